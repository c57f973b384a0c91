using Palisade.Bench.Fleet;
using Palisade.Bench.Fleet.Scenarios;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Cpe.Simulation;
using Palisade.Storage.Postgres;
using Spectre.Console;

namespace Palisade.Bench.Postgres;

/// <summary>
/// The PostgreSQL side of <c>fleet --db</c>: <c>palisade serve --db</c> nodes (one, or several sharing the database,
/// each given the first node's PKI, store key and bootstrap credential as docs/operations.md deploys them), a fleet of
/// the same size as the SQLite server's split evenly among them and registered through them, and the cluster's CPU
/// meter when its data folder is known.
/// </summary>
internal sealed class PostgresSide : IAsyncDisposable
{
    private readonly List<ServerProcess> _nodes = [];
    private readonly List<FleetSimulator> _fleets = [];
    private readonly List<string> _data = [];
    private PostgresStore? _store;

    private PostgresSide()
    {
    }

    public IReadOnlyList<ServerProcess> Nodes => _nodes;

    /// <summary>Every node's devices, interleaved, so that a closed loop keeps every node busy at once.</summary>
    public IReadOnlyList<CpeAgent> Agents { get; private set; } = [];

    public Turns Turns { get; private set; } = null!;

    /// <summary>Whether the cluster's CPU is measured (<c>--pg-data</c> given).</summary>
    public bool MeasuresDatabase { get; private set; }

    /// <summary>Sessions against the PostgreSQL nodes that failed, by kind.</summary>
    public SortedDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Queues each session's tasks (<c>--tasks</c>) in the database, as the API does; null without tasks.</summary>
    public Func<CpeAgent, Task>? Before { get; private set; }

    public double RegistrationSeconds { get; private set; }

    public static async Task<PostgresSide> StartAsync(FleetSettings settings, DeviceProfile profile, CancellationToken cancellationToken)
    {
        var side = new PostgresSide();
        try
        {
            await side.StartAsyncCore(settings, profile, cancellationToken).ConfigureAwait(false);
            return side;
        }
        catch
        {
            await side.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAsyncCore(FleetSettings settings, DeviceProfile profile, CancellationToken cancellationToken)
    {
        var db = settings.Db ?? throw new ArgumentException("No --db given.", nameof(settings));
        var palisade = Path.Combine(AppContext.BaseDirectory, "palisade.dll");
        for (var n = 0; n < settings.Nodes; n++)
        {
            var data = Directory.CreateTempSubdirectory("palisade-bench-pg-").FullName;
            _data.Add(data);
            if (n > 0)
            {
                ShareSecrets(_data[0], data);
            }

            var node = await ServerProcess.StartAsync("palisade: listening cwmp=", palisade, "serve", "--data", data, "--db", db, "--cwmp-port", "0", "--api-port", "-1", "--files-port", "-1",
                "--stun-port", "-1", "--max-sessions", settings.MaxSessions.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log-level", "Warning").ConfigureAwait(false);
            _nodes.Add(node);
            AnsiConsole.MarkupLineInterpolated($"palisade serve --db {PostgresConnection.Redact(db)}, node {n + 1} (pid {node.Pid}) at {node.Url}");
        }

        var bootstrap = (await File.ReadAllTextAsync(Path.Combine(_data[0], "bootstrap-credential"), cancellationToken).ConfigureAwait(false)).Trim().Split(':', 2);
        for (var n = 0; n < _nodes.Count; n++)
        {
            var first = settings.Devices * n / _nodes.Count;
            var share = (first, settings.Devices * (n + 1) / _nodes.Count - first);
            _fleets.Add(await BenchFleets.CreateAsync(_nodes[n].Url, settings, profile, bootstrap[0], bootstrap[1], _data[n], cancellationToken, share).ConfigureAwait(false));
        }

        Agents = Interleaved(_fleets.Select(f => f.Agents).ToList());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (registered, _) = await SessionLoops.ClosedLoopAsync(Agents, settings.Concurrency, null, onePass: true, Errors, cancellationToken, passLabel: "registered on PostgreSQL").ConfigureAwait(false);
        RegistrationSeconds = clock.Elapsed.TotalSeconds;
        AnsiConsole.MarkupLineInterpolated($"registered {registered} devices on PostgreSQL ({_nodes.Count} node(s)) in {RegistrationSeconds:0.0} s");

        if (settings.TasksPerSession > 0)
        {
            _store = await PostgresStore.OpenAsync(new PostgresStoreOptions
            {
                ConnectionString = PostgresConnection.FromUrl(db, Environment.GetEnvironmentVariable),
                KeyPath = Path.Combine(_data[0], "store.key"),
            }, cancellationToken).ConfigureAwait(false);
            Before = WorkScenario.QueueWork(Agents[0], _store, settings.TasksPerSession, cancellationToken);
        }

        var cpu = settings.PostgresData is { } folder ? PostgresCpu.Of(folder) : null;
        MeasuresDatabase = cpu is not null;
        Turns = new Turns(_nodes, cpu is null ? null : () => cpu.CpuSeconds);
    }

    // What every node of one database shares (docs/operations.md): the PKI, the store key, the bootstrap credential.
    private static void ShareSecrets(string from, string to)
    {
        foreach (var file in new[] { "store.key", "bootstrap-credential" })
        {
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        }

        Directory.CreateDirectory(Path.Combine(to, "pki"));
        foreach (var file in Directory.GetFiles(Path.Combine(from, "pki")))
        {
            File.Copy(file, Path.Combine(to, "pki", Path.GetFileName(file)));
        }
    }

    private static List<CpeAgent> Interleaved(List<IReadOnlyList<CpeAgent>> fleets)
    {
        var all = new List<CpeAgent>(fleets.Sum(f => f.Count));
        for (var i = 0; all.Count < all.Capacity; i++)
        {
            all.AddRange(fleets.Where(f => i < f.Count).Select(f => f[i]));
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var fleet in _fleets)
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var data in _data)
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
