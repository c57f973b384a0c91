using System.Net;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Devices;
using Palisade.Cpe.Agent;
using Palisade.Security.Signing;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// Presets that schedule configuration backups (issue 21): a preset with a <c>backup</c> configuration and a schedule
/// makes each matching device upload its configuration into the file store once per window of the schedule, however
/// many sessions the device opens in it.
/// </summary>
public sealed class ScheduledBackupTests
{
    [Fact]
    public async Task A_preset_with_a_schedule_backs_a_simulated_device_up_exactly_once_per_window()
    {
        // The server's clock on a whole hour, not after the real time (the simulator checks certificates with its own).
        var real = DateTimeOffset.UtcNow;
        var time = new FakeTimeProvider(new DateTimeOffset(real.Year, real.Month, real.Day, real.Hour, 0, 0, TimeSpan.Zero));
        await using var server = await TestServer.StartAsync(time: time);
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync("admin");

        // Hourly windows of an hour: one backup an hour.
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(HttpMethod.Put, "api/v1/presets/hourly-backup", admin,
            """{"channel":"backup","schedule":"3600 0 * * * *","configurations":[{"type":"backup"}]}""")).Status);

        using var key = SigningKeyFile.LoadPublic(Path.Combine(server.DataDirectory, "pki", SigningKeyFile.PublicFileName));
        await using var fleet = await FirmwareFleets.CreateAsync(server, key, "BKP", FirmwareFailure.None);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var run = fleet.RunAsync(stop.Token);
        try
        {
            var id = new DeviceId("00D09E", "SIM-GW", "BKP000000");
            await FirmwareFleets.UntilAsync(async () => await BackupsAsync(api, admin, id) == 1, stop.Token);

            // More sessions in the same window: no second backup.
            await SessionsAsync(fleet, 3, stop.Token);
            Assert.Equal(1, await BackupsAsync(api, admin, id));

            // The next window gets its own, once.
            time.Advance(TimeSpan.FromHours(1));
            await FirmwareFleets.UntilAsync(async () => await BackupsAsync(api, admin, id) == 2, stop.Token);
            await SessionsAsync(fleet, 3, stop.Token);
            Assert.Equal(2, await BackupsAsync(api, admin, id));
            Assert.Equal(2, (await server.Host.Store.ListTasksAsync(id, 100, CancellationToken.None)).Count(t => t.Name == "upload"));
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task A_backup_preset_without_a_schedule_is_refused()
    {
        await using var server = await TestServer.StartAsync();
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync("admin");

        var refused = await api.SendAsync(HttpMethod.Put, "api/v1/presets/always", admin, """{"channel":"backup","configurations":[{"type":"backup"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    private static async Task<int> BackupsAsync(ApiClient api, string key, DeviceId id) =>
        (await api.SendAsync(HttpMethod.Get, $"api/v1/devices/{Uri.EscapeDataString(id.ToString())}/backups", key)).Body["backups"]!.AsArray().Count;

    /// <summary>Waits until the simulated device ended <paramref name="count"/> more sessions well.</summary>
    private static async Task SessionsAsync(Cpe.Simulation.FleetSimulator fleet, int count, CancellationToken deadline)
    {
        var before = fleet.Stats.Sessions;
        await FirmwareFleets.UntilAsync(() => Task.FromResult(fleet.Stats.Sessions >= before + count), deadline);
    }
}
