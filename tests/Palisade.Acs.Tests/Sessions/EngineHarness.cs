using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Auth;
using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Security.Secrets;
using Palisade.Storage.Sqlite;

namespace Palisade.Acs.Tests.Sessions;

/// <summary>
/// A <see cref="SessionEngine"/> with no sockets: a temp-file SQLite store, a fake clock, and CPEs that hand the engine
/// <see cref="CwmpHttpRequest"/>s the way the host would. Everything runs on the test's thread, so the tests are
/// deterministic and the clock moves only when a test moves it.
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "palisade-engine-" + Guid.NewGuid().ToString("N"));
    private readonly SqliteStore _store;

    private EngineHarness(SessionOptions options, AuthenticationOptions authentication, Func<EngineHarness, ISessionStep>? extraStep = null, Func<EngineHarness, IEnumerable<ISessionStep>>? trailingSteps = null)
    {
        Options = options;
        Authentication = authentication;
        _store = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = _folder });
        var sessions = new FailingCommits(this, _store);
        Engine = extraStep is null
            ? new SessionEngine(sessions, options, authentication, Time)
            : new SessionEngine(sessions, options, authentication, new ReachabilityProbes(Time),
                [.. SessionSteps.Standard(_store, options, authentication, new ReachabilityProbes(Time), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, extraStep(this)), .. trailingSteps?.Invoke(this) ?? []], Time);
        Engine.TasksCommitted += updates => Committed.Add(updates);
    }

    public static BootstrapCredential Bootstrap { get; } = new("palisade-bootstrap", "bootstrap-secret-0123456789");

    public FakeTimeProvider Time { get; } = new(Start);

    public SessionOptions Options { get; }

    public AuthenticationOptions Authentication { get; }

    public SessionEngine Engine { get; }

    public IPalisadeStore Store => _store;

    /// <summary>The SQLite store's data folder (its database is <c>palisade.db</c> there).</summary>
    public string DataDirectory => _folder;

    /// <summary>
    /// How many of the next session commits fail with <see cref="StoreErrorReason.Unavailable"/> (the store went away,
    /// or the node died, before the session's commit): nothing of those sessions is stored.
    /// </summary>
    public int CommitsToFail { get; set; }

    /// <summary>Every <see cref="SessionEngine.TasksCommitted"/> raised, in order.</summary>
    public List<IReadOnlyList<TaskUpdate>> Committed { get; } = [];

    /// <summary>
    /// An engine with enrollment open on <see cref="Bootstrap"/> and a jitter-free Retry-After;
    /// <paramref name="configure"/> may change either set of options before the engine is built. With
    /// <paramref name="extraStep"/>, <paramref name="trailingSteps"/> come after the standard steps (as the host puts the file server's).
    /// </summary>
    public static EngineHarness Create(Action<SessionOptions>? configure = null, Action<AuthenticationOptions>? authenticate = null, Func<EngineHarness, ISessionStep>? extraStep = null,
        Func<EngineHarness, IEnumerable<ISessionStep>>? trailingSteps = null)
    {
        var options = new SessionOptions { RetryAfterJitter = TimeSpan.Zero };
        configure?.Invoke(options);
        var authentication = new AuthenticationOptions { Bootstrap = Bootstrap };
        authenticate?.Invoke(authentication);
        return new EngineHarness(options, authentication, extraStep, trailingSteps);
    }

    /// <summary>A CPE on the bootstrap credential, not yet known to the ACS.</summary>
    public EngineCpe NewCpe(string serial, string address = "192.0.2.10") =>
        new(this, serial, address, Bootstrap.Username, Bootstrap.Password);

    /// <summary>A CPE that has been through its bootstrap session, so it holds its own Digest credential.</summary>
    public async Task<EngineCpe> EnrolledCpeAsync(string serial, string address = "192.0.2.10")
    {
        var cpe = NewCpe(serial, address);
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");
        Assert.True((await DeviceAsync(cpe)).Credentials.Enrolled);
        return cpe;
    }

    public async Task<Device> DeviceAsync(EngineCpe cpe) =>
        await Store.GetDeviceAsync(cpe.Id, CancellationToken.None) ?? throw new InvalidOperationException($"{cpe.Id} is not stored.");

    public Task<DeviceTask> QueueAsync(EngineCpe cpe, string json, TimeSpan? expiresIn = null)
    {
        var now = Time.GetUtcNow();
        return Store.AddTaskAsync(cpe.Id, new NewTask(Palisade.Acs.Tasks.TaskJson.Parse(json).Name, json, now, now + expiresIn), CancellationToken.None);
    }

    public async Task<DeviceTask> TaskAsync(long id) =>
        await Store.GetTaskAsync(id, CancellationToken.None) ?? throw new InvalidOperationException($"task {id} is not stored.");

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    // The engine's view of the store: the harness's, except for the commits a test makes fail.
    private sealed class FailingCommits(EngineHarness harness, ISessionStore inner) : ISessionStore
    {
        public Task<Device?> GetDeviceAsync(DeviceId id, CancellationToken cancellationToken) => inner.GetDeviceAsync(id, cancellationToken);

        public Task<DeviceTask?> GetTaskAsync(long taskId, CancellationToken cancellationToken) => inner.GetTaskAsync(taskId, cancellationToken);

        public Task<IReadOnlyList<DeviceTask>> TakeQueuedTasksAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken) => inner.TakeQueuedTasksAsync(id, now, cancellationToken);

        public Task<bool> IsBlockedAsync(DeviceId id, CancellationToken cancellationToken) => inner.IsBlockedAsync(id, cancellationToken);

        public Task CommitSessionAsync(SessionChanges changes, CancellationToken cancellationToken)
        {
            if (harness.CommitsToFail > 0)
            {
                harness.CommitsToFail--;
                throw new StoreException(StoreErrorReason.Unavailable, "The test made this commit fail.");
            }

            return inner.CommitSessionAsync(changes, cancellationToken);
        }
    }
}
