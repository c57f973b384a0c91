using Microsoft.Extensions.Time.Testing;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Security.Signing;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// A campaign's maintenance window in each device's local time (issue 21): two simulated devices report their local
/// time at different offsets; the ACS reads it like any parameter, and of the two only the one whose local hour is
/// inside the window is sent the firmware, until the clock reaches the other's window.
/// </summary>
public sealed class CampaignLocalWindowTests
{
    [Fact]
    public async Task Only_the_device_whose_local_hour_is_inside_the_window_gets_the_download()
    {
        // The server's clock at 20:00 UTC (not after the real time: the simulators check the server's certificate with
        // theirs): 01:30 at +05:30, inside a 1–5 window; 12:00 at -08:00, outside.
        var real = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(real.UtcDateTime.Date.AddHours(20), TimeSpan.Zero);
        var time = new FakeTimeProvider(start <= real ? start : start.AddDays(-1));
        await using var server = await TestServer.StartAsync(time: time);
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync("admin");
        await CampaignTests.AddFirmwareAsync(server);
        using var key = SigningKeyFile.LoadPublic(Path.Combine(server.DataDirectory, "pki", SigningKeyFile.PublicFileName));
        await using var india = await FirmwareFleets.CreateAsync(server, key, "IST", FirmwareFailure.None, profile: At("2026-12-07T01:30:00+05:30"));
        await using var pacific = await FirmwareFleets.CreateAsync(server, key, "PST", FirmwareFailure.None, profile: At("2026-12-06T12:00:00-08:00"));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var runs = new[] { india.RunAsync(stop.Token), pacific.RunAsync(stop.Token) };
        try
        {
            await FirmwareFleets.UntilAsync(async () => await server.Host.Store.CountDevicesAsync(CancellationToken.None) == 2, stop.Token);
            var devices = await server.Host.Store.MatchDeviceIdsAsync(null, 10, CancellationToken.None);
            var ist = devices.Single(d => d.SerialNumber.StartsWith("IST", StringComparison.Ordinal));
            var pst = devices.Single(d => d.SerialNumber.StartsWith("PST", StringComparison.Ordinal));

            // The operator reads each device's local time (what a preset or a refresh would do); it is cached.
            foreach (var device in devices)
            {
                var queued = await api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Uri.EscapeDataString(device.ToString())}/tasks", admin,
                    """{"name":"getParameterValues","parameterNames":["Device.Time.CurrentLocalTime"]}""");
                Assert.True(queued.Status is System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.Accepted, queued.Status.ToString());
                await FirmwareFleets.UntilAsync(async () => (await server.Host.Store.GetParametersAsync(device, "Device.Time.CurrentLocalTime", CancellationToken.None)).Any(p => p.Value is not null), stop.Token);
            }

            var id = await CampaignTests.CreateAsync(api, admin, "{\"name\":\"fw\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"percent\":100}],\"window\":{\"startHour\":1,\"endHour\":5},\"maxConcurrency\":10,\"returnWithinMinutes\":30}");
            await FirmwareFleets.UntilAsync(async () => (await server.Host.Store.GetDeviceAsync(ist, CancellationToken.None))!.SoftwareVersion == "2.1.0", stop.Token);
            await FirmwareFleets.UntilAsync(async () => (await CampaignTests.GetAsync(api, admin, id))["progress"]!["succeeded"]!.GetValue<int>() == 1, stop.Token);

            // Many ticks later, the device at -08:00 (12:00 there) is still pending and was sent nothing.
            await server.Host.CampaignScheduler!.TickAsync(CancellationToken.None);
            Assert.DoesNotContain(await server.Host.Store.ListTasksAsync(pst, 10, CancellationToken.None), t => t.Name == "download");
            Assert.Equal("pending", (await CampaignTests.DevicesAsync(api, admin, id)).Single(d => d["device"]!.GetValue<string>() == pst.ToString())["state"]!.GetValue<string>());

            // 14 hours on it is 02:00 at -08:00 (and 11:30 at +05:30): now it gets the firmware, and the campaign completes.
            time.Advance(TimeSpan.FromHours(14));
            await FirmwareFleets.UntilAsync(async () => (await CampaignTests.GetAsync(api, admin, id))["state"]!.GetValue<string>() == "completed", stop.Token);
            Assert.Equal("2.1.0", (await server.Host.Store.GetDeviceAsync(pst, CancellationToken.None))!.SoftwareVersion);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(runs);
        }
    }

    private static DeviceProfile At(string localTime)
    {
        var profile = DeviceProfile.Gateway();
        profile.Values["Device.Time.CurrentLocalTime"] = localTime;
        return profile;
    }
}
