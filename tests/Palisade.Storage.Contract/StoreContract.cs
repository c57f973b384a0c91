using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Contract;

/// <summary>
/// The base of every contract class: a fresh store per test from <typeparamref name="TFactory"/>, and the devices and
/// values the tests write. A store's test project runs the suite with one small subclass per contract class.
/// </summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class StoreContract<TFactory> : IAsyncLifetime, IDisposable
    where TFactory : IStoreFactory, new()
{
    protected static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);

    protected static readonly DateTimeOffset Now = T0.AddHours(2);

    protected TFactory Factory { get; } = new();

    protected IPalisadeStore Store { get; set; } = null!;

    public async Task InitializeAsync() => Store = await OpenAsync();

    public async Task DisposeAsync() => await Store.DisposeAsync();

    public void Dispose()
    {
        Factory.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Opens the store (empty the first time).</summary>
    protected Task<IPalisadeStore> OpenAsync() => Factory.OpenAsync();

    /// <summary>Closes and reopens the same store (same data).</summary>
    protected async Task<IPalisadeStore> ReopenAsync(IPalisadeStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.DisposeAsync();
        return await OpenAsync();
    }

    protected static DeviceId Id(int n) => new("00D09E", "HGW-1000", $"PLS{n:D7}");

    protected static Device NewDevice(int n) => new()
    {
        Id = Id(n),
        Manufacturer = "Palisade Labs",
        RegisteredAt = T0,
        LastInformAt = T0,
        LastEvents = "0 BOOTSTRAP,1 BOOT",
        CwmpVersion = "1.4",
        RemoteAddress = "127.0.0.1",
        Transport = "tls1.3",
        AuthMethod = AuthMethods.Bootstrap,
        DataModelRoot = "Device",
        Credentials = new DeviceCredentials("cpe", [1, 2, 3], [4, 5, 6], true, null),
        ConnectionRequest = new ConnectionRequestEndpoint("http://127.0.0.1:7548/abcdefghijklmnop", "cr", "secret", null),
        PeriodicInformInterval = 300,
        SoftwareVersion = "1.0",
        AcsUrlSetAt = T0.AddMinutes(-1),
        BootstrapExpected = true,
    };

    /// <summary>
    /// Commits the sessions <paramref name="session"/> makes for devices 1–48 all at once; every third also carries a
    /// value the store refuses (a parameter of 70,000 characters). Returns each device's number with the reason its
    /// commit was refused, or null.
    /// </summary>
    protected Task<(int N, StoreErrorReason? Failure)[]> CommitAtOnceEveryThirdRefusedAsync(Func<int, SessionChanges> session) =>
        Task.WhenAll(Enumerable.Range(1, 48).Select(n => Task.Run(async () =>
        {
            var changes = session(n);
            if (n % 3 == 0)
            {
                changes.Parameters.Add(Value("Device.TooLong", new string('x', 70_000)));
            }

            try
            {
                await Store.CommitSessionAsync(changes, default);
                return (n, (StoreErrorReason?)null);
            }
            catch (StoreException e)
            {
                return (n, (StoreErrorReason?)e.Reason);
            }
        })));

    protected static CachedParameter Value(string path, string value, string type = "string") => new(path, value, type, null, null, null, T0);
}
