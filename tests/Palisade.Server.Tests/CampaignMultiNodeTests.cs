using Palisade.Cpe.Agent;
using Palisade.Security.Signing;

namespace Palisade.Server.Tests;

/// <summary>
/// Two nodes on one PostgreSQL share a campaign (issue 21): both schedulers run (and are ticked at the same moments on
/// purpose), devices inform through either node, and still no device downloads twice, the concurrency cap holds across
/// the nodes (checked while no started device can finish), and each stage passes once.
/// </summary>
public sealed class CampaignMultiNodeTests
{
    [Fact]
    public async Task Two_nodes_share_a_campaign_without_a_device_downloading_twice_or_a_stage_passing_twice()
    {
        await using var nodes = await TwoNodes.StartAsync();
        using var api = new ApiClient(nodes.A);
        var admin = await api.KeyAsync("admin");
        await CampaignTests.AddFirmwareAsync(nodes.A);
        using var key = SigningKeyFile.LoadPublic(Path.Combine(nodes.A.DataDirectory, "pki", SigningKeyFile.PublicFileName));
        await using var viaA = await FirmwareFleets.CreateAsync(nodes.A, key, "MNA", FirmwareFailure.None, devices: 3);
        await using var viaB = await FirmwareFleets.CreateAsync(nodes.A, key, "MNB", FirmwareFailure.None, devices: 3, acsUrl: nodes.B.Url);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        Task[] runs = [];
        try
        {
            // Each device informs once and then keeps quiet: a device started now cannot finish, so all the two
            // schedulers start is in progress at once, whatever the timing.
            foreach (var agent in viaA.Agents.Concat(viaB.Agents))
            {
                var boot = await agent.RunSessionAsync(stop.Token);
                Assert.True(boot.Success, boot.ToString());
            }

            var id = await CampaignTests.CreateAsync(api, admin, "{\"name\":\"fw\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"count\":4},{\"percent\":100}],\"maxConcurrency\":2,\"returnWithinMinutes\":30}");

            // Four devices of stage 1 wait and two may run: both nodes decide at the same moments (besides their own
            // loops), again and again, and between them start two, never more.
            for (var tick = 0; tick < 5; tick++)
            {
                await Task.WhenAll(nodes.A.Host.CampaignScheduler!.TickAsync(CancellationToken.None), nodes.B.Host.CampaignScheduler!.TickAsync(CancellationToken.None));
            }

            var capped = (await CampaignTests.GetAsync(api, admin, id))["progress"]!;
            Assert.Equal((2, 2, 2), (capped["inProgress"]!.GetValue<int>(), capped["stages"]![0]!["pending"]!.GetValue<int>(), capped["stages"]![1]!["pending"]!.GetValue<int>()));

            runs = [viaA.RunAsync(stop.Token), viaB.RunAsync(stop.Token)];
            var mostInProgress = 0;
            await FirmwareFleets.UntilAsync(async () =>
            {
                await Task.WhenAll(nodes.A.Host.CampaignScheduler!.TickAsync(CancellationToken.None), nodes.B.Host.CampaignScheduler!.TickAsync(CancellationToken.None));
                var view = await CampaignTests.GetAsync(api, admin, id);
                mostInProgress = Math.Max(mostInProgress, view["progress"]!["inProgress"]!.GetValue<int>());
                return view["state"]!.GetValue<string>() == "completed";
            }, stop.Token);

            // Sampled while the devices run: a cap broken only for a moment may slip between samples, the check above may not.
            Assert.True(mostInProgress <= 2, $"at most 2 in progress, seen {mostInProgress}");
            Assert.Equal(6, (await CampaignTests.GetAsync(api, admin, id))["progress"]!["succeeded"]!.GetValue<int>());
            foreach (var device in await CampaignTests.DevicesAsync(api, admin, id))
            {
                var deviceId = Acs.Devices.DeviceId.TryParse(device["device"]!.GetValue<string>(), out var parsed) ? parsed : throw new FormatException();
                Assert.Single(await nodes.A.Host.Store.ListTasksAsync(deviceId, 10, CancellationToken.None), t => t.Name == "download");
                Assert.Equal("2.1.0", (await nodes.A.Host.Store.GetDeviceAsync(deviceId, CancellationToken.None))!.SoftwareVersion);
            }

            var logs = nodes.A.Logs.Lines.Concat(nodes.B.Logs.Lines).ToList();
            Assert.Single(logs, l => l.Contains($"Campaign {id}: stage 1 passed", StringComparison.Ordinal));
            Assert.Single(logs, l => l.Contains($"Campaign {id}: stage 2 passed", StringComparison.Ordinal));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(runs);
        }
    }
}
