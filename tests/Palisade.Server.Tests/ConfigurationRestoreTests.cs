using System.Net;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Security.Signing;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// Configuration backup and restore with simulated devices (issue 21 part 4): a device's configuration goes to the file
/// store by an upload task and comes back by a restore task, to the same device or to the one that replaces it.
/// </summary>
public sealed class ConfigurationRestoreTests : IAsyncLifetime
{
    private const string Ssid = "Device.WiFi.SSID.1.SSID";
    private TestServer _server = null!;
    private ApiClient _api = null!;
    private string _admin = null!;
    private System.Security.Cryptography.ECDsa _key = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _api = new ApiClient(_server);
        _admin = await _api.KeyAsync(Roles.Admin);
        _key = SigningKeyFile.LoadPublic(Path.Combine(_server.DataDirectory, "pki", SigningKeyFile.PublicFileName));
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task A_device_restored_from_its_backup_gets_back_the_configuration_it_had()
    {
        await using var cpe = await AgentAsync("RST0001");
        cpe.Model.SetLocal(Ssid, "home-before");
        await BackupAsync(cpe);
        cpe.Model.SetLocal(Ssid, "changed-since");

        var restore = await QueueAsync(cpe, """{"name":"restore"}""");
        Assert.Equal(HttpStatusCode.Accepted, restore.Status);
        Assert.Equal("download", restore.Body["name"]!.GetValue<string>());
        await SessionsUntilAsync(cpe, () => Task.FromResult(cpe.Model.Get(Ssid) == "home-before"));
        await SessionsUntilAsync(cpe, async () => await StatusAsync(restore) is DeviceTaskStatus.Done);
    }

    [Fact]
    public async Task A_device_that_replaces_another_receives_the_old_ones_configuration_and_keeps_its_own_acs_credentials()
    {
        await using var old = await AgentAsync("RST0002");
        old.Model.SetLocal(Ssid, "family-network");
        await BackupAsync(old);
        await using var replacement = await AgentAsync("RST0003");
        var username = replacement.Model.Get("Device.ManagementServer.Username");
        Assert.NotEqual("family-network", replacement.Model.Get(Ssid));

        var restore = await QueueAsync(replacement, $$"""{"name":"restore","from":"{{Id(old)}}"}""");
        Assert.Equal(HttpStatusCode.Accepted, restore.Status);
        await SessionsUntilAsync(replacement, () => Task.FromResult(replacement.Model.Get(Ssid) == "family-network"));

        // It still reaches the ACS as itself: the old device's ACS credentials were not part of what it took.
        Assert.Equal(username, replacement.Model.Get("Device.ManagementServer.Username"));
        await SessionsUntilAsync(replacement, async () => await StatusAsync(restore) is DeviceTaskStatus.Done);

        // A device without a backup has nothing to give; a bulk restore is refused.
        await using var fresh = await AgentAsync("RST0004");
        var none = await QueueAsync(old, $$"""{"name":"restore","from":"{{Id(fresh)}}"}""");
        Assert.Equal(HttpStatusCode.BadRequest, none.Status);
        var bulk = await _api.SendAsync(HttpMethod.Post, "api/v1/tasks?filter=" + Uri.EscapeDataString("id IS NOT NULL"), _admin, """{"name":"restore"}""");
        Assert.Equal(HttpStatusCode.BadRequest, bulk.Status);
    }

    [Fact]
    public async Task A_key_limited_to_some_devices_learns_nothing_of_another_devices_backups_and_restores_none_of_them()
    {
        await using var other = await AgentAsync("RST0005");
        await BackupAsync(other);
        await using var mine = await AgentAsync("RST0006");
        await using var bare = await AgentAsync("RST0007");
        var scoped = await _api.KeyAsync(Roles.Admin, "serialNumber = \"RST0006\"", name: "scoped");
        var theirs = Assert.Single(await _server.Host.Store.ListFilesAsync(Id(other), null, 1, CancellationToken.None)).Name;
        var path = $"api/v1/devices/{Uri.EscapeDataString(Id(mine))}/tasks";

        // Another device's backups, by device or by name, answer exactly as a device without any and a name never stored.
        var fromOther = await _api.SendAsync(HttpMethod.Post, path, scoped, $$"""{"name":"restore","from":"{{Id(other)}}"}""");
        var fromBare = await _api.SendAsync(HttpMethod.Post, path, scoped, $$"""{"name":"restore","from":"{{Id(bare)}}"}""");
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (fromOther.Status, fromBare.Status));
        Assert.Equal(fromBare.Text.Replace(Id(bare), "ID", StringComparison.Ordinal), fromOther.Text.Replace(Id(other), "ID", StringComparison.Ordinal));
        var named = await _api.SendAsync(HttpMethod.Post, path, scoped, $$"""{"name":"restore","backup":"{{theirs}}"}""");
        var missing = await _api.SendAsync(HttpMethod.Post, path, scoped, """{"name":"restore","backup":"backup@none"}""");
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (named.Status, missing.Status));
        Assert.Equal(missing.Text.Replace("backup@none", "NAME", StringComparison.Ordinal), named.Text.Replace(theirs, "NAME", StringComparison.Ordinal));
        Assert.DoesNotContain(await _server.Host.Store.ListTasksAsync(new DeviceId("00D09E", "SIM-GW", "RST0006"), 10, CancellationToken.None), t => t.Name == "download");

        // An unscoped key restores the same backup to the same device.
        Assert.Equal(HttpStatusCode.Accepted, (await _api.SendAsync(HttpMethod.Post, path, _admin, $$"""{"name":"restore","backup":"{{theirs}}"}""")).Status);
    }

    private async Task BackupAsync(CpeAgent cpe)
    {
        var upload = await QueueAsync(cpe, """{"name":"upload","fileType":"3 Vendor Configuration File"}""");
        Assert.Equal(HttpStatusCode.Accepted, upload.Status);
        await SessionsUntilAsync(cpe, async () => await StatusAsync(upload) is DeviceTaskStatus.Done
            && (await _server.Host.Store.ListFilesAsync(Id(cpe), null, 1, CancellationToken.None)).Count == 1);
    }

    // Sessions of the device (each also delivers what finished since: a TransferComplete) until the condition holds.
    private static async Task SessionsUntilAsync(CpeAgent cpe, Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await FirmwareFleets.UntilAsync(async () =>
        {
            if (await condition())
            {
                return true;
            }

            Assert.True((await cpe.RunSessionAsync(deadline.Token)).Success);
            return await condition();
        }, deadline.Token);
    }

    private async Task<DeviceTaskStatus> StatusAsync(ApiClient.Response queued) =>
        (await _server.Host.Store.GetTaskAsync(queued.Body["id"]!.GetValue<long>(), CancellationToken.None))!.Status;

    private Task<ApiClient.Response> QueueAsync(CpeAgent cpe, string body) =>
        _api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Uri.EscapeDataString(Id(cpe))}/tasks", _admin, body);

    private static string Id(CpeAgent cpe) => new DeviceId(cpe.Model.Identity.Oui, cpe.Model.Identity.ProductClass, cpe.Model.Identity.SerialNumber).ToString();

    private async Task<CpeAgent> AgentAsync(string serial)
    {
        var bootstrap = _server.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = _server.Url, Username = bootstrap.Username, Password = bootstrap.Password, PeriodicInterval = TimeSpan.FromHours(1) };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        options.SigningKeys[FileSignature.KeyIdOf(_key)] = _key;
        var agent = new CpeAgent(new CpeDataModel(DeviceTemplate.Build(DeviceProfile.Gateway()), new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", serial, "SIM-GW 1000", "rev-A")), options);
        Assert.True((await agent.RunSessionAsync(CancellationToken.None)).Success);
        return agent;
    }
}
