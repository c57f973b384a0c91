using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Cpe.Agent;
using Palisade.Security.Signing;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// Simulated devices take a stored firmware image through the file server for real: they verify the server's
/// signature, reboot, come back on the signed version and report TransferComplete; a device that finds the signature
/// bad refuses the image with 9018 and keeps its version (issue 21).
/// </summary>
public sealed class FirmwareSimulationTests
{
    [Fact]
    public async Task A_simulated_device_upgrades_to_the_signed_version_and_one_finding_the_signature_bad_refuses_with_9018()
    {
        await using var server = await TestServer.StartAsync();
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync("admin");
        var firmware = RandomNumberGenerator.GetBytes(200_000);
        var added = await api.SendAsync(HttpMethod.Put, "api/v1/files/fw-2.1.0.bin", admin);
        Assert.Equal(HttpStatusCode.BadRequest, added.Status); // no type, no version: refused
        await server.Host.Files!.Service.AddAsync(new Acs.Access.Caller("test", Acs.Access.Roles.Admin, null, null),
            new Acs.Files.NewFile("fw-2.1.0.bin", "1 Firmware Upgrade Image", "2.1.0", null, null, null), new MemoryStream(firmware), CancellationToken.None);

        using var key = SigningKeyFile.LoadPublic(Path.Combine(server.DataDirectory, "pki", SigningKeyFile.PublicFileName));
        await using var good = await FirmwareFleets.CreateAsync(server, key, "FWOK", FirmwareFailure.None);
        await using var bad = await FirmwareFleets.CreateAsync(server, key, "FWBAD", FirmwareFailure.BadSignature);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var runs = new[] { good.RunAsync(stop.Token), bad.RunAsync(stop.Token) };
        try
        {
            var ok = new DeviceId("00D09E", "SIM-GW", "FWOK000000");
            var refused = new DeviceId("00D09E", "SIM-GW", "FWBAD000000");
            await FirmwareFleets.UntilAsync(async () => await server.Host.Store.GetDeviceAsync(ok, CancellationToken.None) is not null
                && await server.Host.Store.GetDeviceAsync(refused, CancellationToken.None) is not null, stop.Token);

            var body = """{"name":"download","fileType":"1 Firmware Upgrade Image","fileName":"fw-2.1.0.bin"}""";
            var okTask = (await api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Uri.EscapeDataString(ok.ToString())}/tasks", admin, body)).Body["id"]!.GetValue<long>();
            var badTask = (await api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Uri.EscapeDataString(refused.ToString())}/tasks", admin, body)).Body["id"]!.GetValue<long>();

            await FirmwareFleets.UntilAsync(async () => Completed(await server.Host.Store.GetTaskAsync(okTask, CancellationToken.None))
                && (await server.Host.Store.GetTaskAsync(badTask, CancellationToken.None))!.Status == DeviceTaskStatus.Faulted, stop.Token);
            var faulted = (await server.Host.Store.GetTaskAsync(badTask, CancellationToken.None))!;
            Assert.Equal(9018, faulted.Fault!.Code);

            // Back after the reboot on the signed version, with BOOT and M Download among its events.
            await FirmwareFleets.UntilAsync(async () => (await server.Host.Store.GetDeviceAsync(ok, CancellationToken.None))!.SoftwareVersion == "2.1.0", stop.Token);
            var events = await server.Host.Store.ListEventsAsync(ok, 50, CancellationToken.None);
            Assert.Contains(events, e => e.Code == "1 BOOT");
            Assert.Contains(events, e => e.Code == "M Download");
            Assert.NotEqual("2.1.0", (await server.Host.Store.GetDeviceAsync(refused, CancellationToken.None))!.SoftwareVersion);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(runs);
        }
    }

    [Fact]
    public async Task A_provision_that_declares_a_download_makes_the_device_take_the_stored_file_once_and_not_again_while_fresh()
    {
        // A loaded machine must not turn the scripts' time limits into the thing tested.
        await using var server = await TestServer.StartAsync(o => o.Scripts = new Acs.Provisioning.Scripts.ScriptLimits { Timeout = TimeSpan.FromSeconds(2), SessionBudget = TimeSpan.FromSeconds(10) });
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync("admin");
        await server.Host.Files!.Service.AddAsync(new Acs.Access.Caller("test", Acs.Access.Roles.Admin, null, null),
            new Acs.Files.NewFile("fw-3.0.0.bin", "1 Firmware Upgrade Image", "3.0.0", null, null, null), new MemoryStream(RandomNumberGenerator.GetBytes(50_000)), CancellationToken.None);

        // GenieACS's documented shape; the declared time is an hour back, so one download an hour at most.
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(HttpMethod.Put, "api/v1/provisions/firmware", admin, """
            const fw = "Downloads.[FileType:1 Firmware Upgrade Image]";
            declare(fw, {path: 1}, {path: 1});
            declare(fw + ".FileName", {value: 1}, {value: "fw-3.0.0.bin"});
            declare(fw + ".Download", {value: 1}, {value: Date.now() - 3600 * 1000});
            """, "text/javascript")).Status);
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(HttpMethod.Put, "api/v1/presets/firmware", admin,
            """{"channel":"firmware","configurations":[{"type":"provision","name":"firmware"}]}""")).Status);

        using var key = SigningKeyFile.LoadPublic(Path.Combine(server.DataDirectory, "pki", SigningKeyFile.PublicFileName));
        await using var fleet = await FirmwareFleets.CreateAsync(server, key, "PROV", FirmwareFailure.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var run = fleet.RunAsync(stop.Token);
        try
        {
            var id = new DeviceId("00D09E", "SIM-GW", "PROV000000");
            await FirmwareFleets.UntilAsync(async () => (await server.Host.Store.GetDeviceAsync(id, CancellationToken.None))?.SoftwareVersion == "3.0.0", stop.Token);

            // A few more periodic sessions on the new version: the declaration is fresh, nothing more is sent.
            var informed = (await server.Host.Store.GetDeviceAsync(id, CancellationToken.None))!.LastInformAt;
            await FirmwareFleets.UntilAsync(async () => (await server.Host.Store.GetDeviceAsync(id, CancellationToken.None))!.LastInformAt > informed?.AddSeconds(4), stop.Token);
            var download = Assert.Single(await server.Host.Store.ListTasksAsync(id, 50, CancellationToken.None), t => t.Name == "download");
            Assert.True(Completed(download), download.Result);
            Assert.Empty(await server.Host.Store.ListChannelFaultsAsync(id, null, 10, CancellationToken.None));
            var recorded = await server.Host.Store.GetParametersAsync(id, "Downloads.", CancellationToken.None);
            Assert.Equal("fw-3.0.0.bin", Assert.Single(recorded, p => p.Path.EndsWith(".FileName", StringComparison.Ordinal)).Value);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    private static bool Completed(DeviceTask? task) =>
        task is { Status: DeviceTaskStatus.Done, Result: { } result } && JsonNode.Parse(result)?["state"]?.GetValue<string>() == "completed";
}
