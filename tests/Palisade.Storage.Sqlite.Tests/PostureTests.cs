using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Posture;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Sqlite.Tests;

public sealed class PostureTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "palisade-posture-" + Guid.NewGuid().ToString("N"));
    private SqliteStore _store = null!;

    public Task InitializeAsync()
    {
        _store = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = _folder });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Each_weakness_counts_exactly_the_devices_that_have_it()
    {
        var good = Device(1) with { };
        await Commit(good);
        await Commit(Device(2) with { Transport = "http" });
        await Commit(Device(3) with { AuthMethod = AuthMethods.Basic });
        await Commit(Device(4) with { Credentials = DeviceCredentials.None, AuthMethod = AuthMethods.Bootstrap });
        await Commit(Device(5) with { ConnectionRequest = new ConnectionRequestEndpoint("http://192.0.2.5/cr", null, null, null) });
        await Commit(Device(6) with { AcsUrl = "https://acs.attacker.example/" });
        await Commit(Device(7) with { LastEvents = "0 BOOTSTRAP,1 BOOT", RegisteredAt = Now.AddDays(-30) });
        await Commit(Device(10) with { LastEvents = "0 BOOTSTRAP", RegisteredAt = Now.AddDays(-30), AcsUrlSetAt = Now.AddMinutes(-5), BootstrapExpected = true });
        await Commit(Device(8) with { SoftwareVersion = "2.9" });
        await Commit(Device(9) with { SoftwareVersion = "2.10" });

        var items = (await FleetPosture.ComputeAsync(_store, ["acs.example.net"], "2.10", Now, CancellationToken.None)).ToDictionary(i => i.Id, i => i.Devices);
        Assert.Equal(1, items["plaintext-cwmp"]);
        Assert.Equal(1, items["basic-auth"]);
        Assert.Equal(1, items["bootstrap-credential"]);
        Assert.Equal(1, items["no-unique-cr-password"]);
        Assert.Equal(1, items["acs-url-elsewhere"]);
        Assert.Equal(1, items["unexpected-bootstrap"]);
        Assert.Equal(9, items["old-firmware"]);
    }

    [Theory]
    [InlineData("2.10", "2.9", 1)]
    [InlineData("2.9", "2.10", -1)]
    [InlineData("1.0.0", "1.0", 0)]
    [InlineData("1.0-rc1", "1.0-rc2", -1)]
    public void Versions_compare_numerically(string a, string b, int sign) => Assert.Equal(sign, Math.Sign(FleetPosture.CompareVersions(a, b)));

    private static Device Device(int n) => new()
    {
        Id = new DeviceId("00D09E", "HGW", $"POS{n:D4}"),
        RegisteredAt = Now.AddMinutes(-10),
        LastInformAt = Now,
        LastEvents = "2 PERIODIC",
        Transport = "https",
        AuthMethod = AuthMethods.DigestSha256,
        Credentials = new DeviceCredentials("u", [1], [2], true, null),
        ConnectionRequest = new ConnectionRequestEndpoint("http://192.0.2.1/cr", "cr-user", "cr-pass", null),
        AcsUrl = "https://acs.example.net:7547/",
        SoftwareVersion = "1.0.0",
    };

    private Task Commit(Device device) => _store.CommitSessionAsync(new SessionChanges(device), CancellationToken.None);
}
