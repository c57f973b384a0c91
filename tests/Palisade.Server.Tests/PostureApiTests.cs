using System.Net;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>Each posture item counts what its name says, and its link lists exactly those devices.</summary>
public sealed class PostureApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private TestServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o.Api.AcsUrlAllowList.Add("acs.example.net"));
        _api = new ApiClient(_server);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Every_posture_item_counts_its_devices_and_its_link_lists_exactly_them()
    {
        await CommitAsync(1, d => d);
        await CommitAsync(2, d => d with { Transport = "http" });
        await CommitAsync(3, d => d with { AuthMethod = AuthMethods.Basic });
        await CommitAsync(4, d => d with { Credentials = DeviceCredentials.None, AuthMethod = AuthMethods.Bootstrap });
        await CommitAsync(5, d => d with { ConnectionRequest = new ConnectionRequestEndpoint("http://192.0.2.5/cr", null, null, null) });
        await CommitAsync(6, d => d with { AcsUrl = "https://acs.attacker.example/" });
        await CommitAsync(7, d => d with { LastEvents = "0 BOOTSTRAP,1 BOOT", RegisteredAt = Now.AddDays(-30) });
        await CommitAsync(8, d => d with { SoftwareVersion = "2.9" });
        await CommitAsync(9, d => d with { SoftwareVersion = "1.0.0" });
        await CommitAsync(10, d => d with { SoftwareVersion = "10.0" });
        await CommitAsync(11, d => d with { SoftwareVersion = "2.1" });
        await CommitAsync(12, d => d with { SoftwareVersion = "2.10.1" });
        await CommitAsync(13, d => d with { SoftwareVersion = "2.1_%" });
        await CommitAsync(14, d => d);
        await _server.Host.Store.SetTagAsync(new DeviceId("00D09E", "HGW", Serial(14)), Acs.Identity.IdentityFlags.IdentityConflict, true, CancellationToken.None);
        await CommitAsync(15, d => d);
        await _server.Host.Store.SetTagAsync(new DeviceId("00D09E", "HGW", Serial(15)), Acs.FactoryCredentials.DeviceImportService.FixedTag, true, CancellationToken.None);
        var expected = new Dictionary<string, int[]>
        {
            ["credential-never-rotated"] = [15],
            ["plaintext-cwmp"] = [2],
            ["basic-auth"] = [3],
            ["bootstrap-credential"] = [4],
            ["no-unique-cr-password"] = [5],
            ["acs-url-elsewhere"] = [6],
            ["unexpected-bootstrap"] = [7],
            ["old-firmware"] = [8, 9, 11, 13],
            ["identity-conflict"] = [14],
        };

        var admin = await _api.KeyAsync(Roles.Admin);
        var posture = await _api.SendAsync(HttpMethod.Get, "api/v1/posture?minFirmware=2.10", admin);
        Assert.Equal(HttpStatusCode.OK, posture.Status);
        var items = posture.Body["items"]!.AsArray();
        Assert.Equal(expected.Keys.Order(), items.Select(i => i!["id"]!.GetValue<string>()).Order());
        foreach (var item in items)
        {
            var id = item!["id"]!.GetValue<string>();
            var listed = await _api.SendAsync(HttpMethod.Get, item["list"]!.GetValue<string>() + "&limit=1000", admin);
            Assert.True(listed.Status == HttpStatusCode.OK, $"{id}: {listed.Status} {listed.Text}");
            var serials = listed.Body["devices"]!.AsArray().Select(d => d!["serialNumber"]!.GetValue<string>()).Order().ToList();
            Assert.Equal(expected[id].Select(Serial).Order(), serials);
            Assert.Equal(expected[id].Length, item["devices"]!.GetValue<long>());
            Assert.Equal(expected[id].Length, listed.Body["total"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task The_old_firmware_link_uses_prefixes_and_stays_within_the_filter_bounds_for_a_varied_fleet()
    {
        // 150 versions below the minimum and 30 above: more than a filter may name one by one.
        for (var n = 0; n < 180; n++)
        {
            var version = n < 150 ? $"1.{n}.{n % 7}" : $"3.{n}";
            await CommitAsync(100 + n, d => d with { SoftwareVersion = version });
        }

        var admin = await _api.KeyAsync(Roles.Admin);
        var posture = await _api.SendAsync(HttpMethod.Get, "api/v1/posture?minFirmware=2.0", admin);
        var item = posture.Body["items"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == "old-firmware")!;
        Assert.Equal(150, item["devices"]!.GetValue<long>());
        var listed = await _api.SendAsync(HttpMethod.Get, item["list"]!.GetValue<string>() + "&limit=1000", admin);
        Assert.Equal(HttpStatusCode.OK, listed.Status);
        Assert.Equal(150, listed.Body["total"]!.GetValue<long>());
    }

    private static string Serial(int n) => $"POS{n:D4}";

    private Task CommitAsync(int n, Func<Device, Device> change) => _server.Host.Store.CommitSessionAsync(new SessionChanges(change(new Device
    {
        Id = new DeviceId("00D09E", "HGW", Serial(n)),
        RegisteredAt = Now.AddMinutes(-10),
        LastInformAt = Now,
        LastEvents = "2 PERIODIC",
        Transport = "https",
        AuthMethod = AuthMethods.DigestSha256,
        Credentials = new DeviceCredentials("u", [1], [2], true, null),
        ConnectionRequest = new ConnectionRequestEndpoint("http://192.0.2.1/cr", "cr-user", "cr-pass", null),
        AcsUrl = "https://acs.example.net:7547/",
        SoftwareVersion = "2.10",
    })), CancellationToken.None);
}
