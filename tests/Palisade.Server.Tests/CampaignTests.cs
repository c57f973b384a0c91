using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Devices;
using Palisade.Cpe.Agent;
using Palisade.Security.Signing;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// Campaigns over simulated devices that take the firmware through the file server for real (issue 21): a staged
/// campaign completes with every device on the new version, opening a stage only after the one before soaked; the halt
/// trips one failure above its threshold and never touches a device outside the stage; a paused campaign survives a
/// restart and resumes without losing or repeating a device; a device started before a pause or halt still fails once
/// the return-within bound passes.
/// </summary>
public sealed class CampaignTests
{
    [Fact]
    public async Task A_staged_campaign_upgrades_every_device_and_opens_the_next_stage_only_after_the_canary_soaked()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time: time);
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync("admin");
        await AddFirmwareAsync(server);
        using var key = SigningKeyFile.LoadPublic(Path.Combine(server.DataDirectory, "pki", SigningKeyFile.PublicFileName));
        await using var fleet = await FirmwareFleets.CreateAsync(server, key, "CMP", FirmwareFailure.None, devices: 5);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var run = fleet.RunAsync(stop.Token);
        try
        {
            await FirmwareFleets.UntilAsync(async () => await server.Host.Store.CountDevicesAsync(CancellationToken.None) == 5, stop.Token);
            var id = await CreateAsync(api, admin, "{\"name\":\"fw\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"count\":1,\"soakMinutes\":10},{\"percent\":100}],\"maxConcurrency\":2,\"returnWithinMinutes\":30,\"halt\":{\"maxFailures\":0}}");

            await FirmwareFleets.UntilAsync(async () => (await GetAsync(api, admin, id))["progress"]!["stages"]![0]!["succeeded"]!.GetValue<int>() == 1, stop.Token);

            // Soaking (10 minutes of the server's clock): the next stage stays closed, and no other device has a task.
            await server.Host.CampaignScheduler!.TickAsync(CancellationToken.None);
            var soaking = await GetAsync(api, admin, id);
            Assert.Equal((1, "running", 4), (soaking["stage"]!.GetValue<int>(), soaking["state"]!.GetValue<string>(), soaking["progress"]!["stages"]![1]!["pending"]!.GetValue<int>()));
            var devices = await DevicesAsync(api, admin, id);
            Assert.All(devices.Where(d => d["stage"]!.GetValue<int>() == 2), d => Assert.Empty(server.Host.Store.ListTasksAsync(Parse(d), 10, CancellationToken.None).Result));

            time.Advance(TimeSpan.FromMinutes(11));
            await FirmwareFleets.UntilAsync(async () => (await GetAsync(api, admin, id))["state"]!.GetValue<string>() == "completed", stop.Token);

            var done = await GetAsync(api, admin, id);
            Assert.Equal((5, 0), (done["progress"]!["succeeded"]!.GetValue<int>(), done["progress"]!["failed"]!.GetValue<int>()));
            foreach (var device in devices)
            {
                Assert.Equal("2.1.0", (await server.Host.Store.GetDeviceAsync(Parse(device), CancellationToken.None))!.SoftwareVersion);
                Assert.Single(await server.Host.Store.ListTasksAsync(Parse(device), 10, CancellationToken.None), t => t.Name == "download");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task The_halt_trips_one_failure_above_the_threshold_not_at_it_and_no_device_outside_the_stage_is_touched()
    {
        await using var server = await TestServer.StartAsync();
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync("admin");
        await AddFirmwareAsync(server);
        using var key = SigningKeyFile.LoadPublic(Path.Combine(server.DataDirectory, "pki", SigningKeyFile.PublicFileName));

        // Every device refuses the image (bad signature, 9018): each stage's devices all fail.
        await using var fleet = await FirmwareFleets.CreateAsync(server, key, "HLT", FirmwareFailure.BadSignature, devices: 8);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var run = fleet.RunAsync(stop.Token);
        try
        {
            await FirmwareFleets.UntilAsync(async () => await server.Host.Store.CountDevicesAsync(CancellationToken.None) == 8, stop.Token);
            const string Stages = "\"stages\":[{\"count\":3},{\"percent\":100}],\"maxConcurrency\":3,\"returnWithinMinutes\":30";

            // Three failures in a stage of three, more than the 2 allowed: halted, and the other five were never sent anything.
            var halting = await CreateAsync(api, admin, "{\"name\":\"a\",\"file\":\"fw-2.1.0.bin\"," + Stages + ",\"halt\":{\"maxFailures\":2}}");
            await FirmwareFleets.UntilAsync(async () => (await GetAsync(api, admin, halting))["state"]!.GetValue<string>() == "halted", stop.Token);
            var halted = await GetAsync(api, admin, halting);
            Assert.Equal("stage 1: 3 failures, more than the 2 allowed", halted["haltReason"]!.GetValue<string>());
            Assert.Equal(3, halted["progress"]!["failedByReason"]!["bad-signature"]!.GetValue<int>());
            var outside = (await DevicesAsync(api, admin, halting)).Where(d => d["stage"]!.GetValue<int>() == 2).ToList();
            Assert.Equal(5, outside.Count);
            foreach (var device in outside)
            {
                Assert.Equal("pending", device["state"]!.GetValue<string>());
                Assert.Empty(await server.Host.Store.ListTasksAsync(Parse(device), 10, CancellationToken.None));
                Assert.DoesNotContain(await server.Host.Store.ListEventsAsync(Parse(device), 50, CancellationToken.None), e => e.Code == "7 TRANSFER COMPLETE");
            }

            Assert.Equal("aborted", (await api.SendAsync(HttpMethod.Post, $"api/v1/campaigns/{halting}/abort", admin)).Body["state"]!.GetValue<string>());

            // The same three failures with 3 allowed: the stage passes and the next one opens. Its five devices fail as
            // well, and the fourth of them is one more than allowed: the campaign halts there, on stage 2's own count (a
            // count that took stage 1's failures in would halt at stage 2's first failure).
            var passing = await CreateAsync(api, admin, "{\"name\":\"b\",\"file\":\"fw-2.1.0.bin\"," + Stages + ",\"halt\":{\"maxFailures\":3}}");
            await FirmwareFleets.UntilAsync(async () => (await GetAsync(api, admin, passing))["state"]!.GetValue<string>() == "halted", stop.Token);
            var passed = await GetAsync(api, admin, passing);
            Assert.Matches("^stage 2: [45] failures, more than the 3 allowed$", passed["haltReason"]!.GetValue<string>());
            Assert.Equal(2, passed["stage"]!.GetValue<int>());
            var stages = passed["progress"]!["stages"]!;
            Assert.Equal((3, 0, 0), (stages[0]!["failed"]!.GetValue<int>(), stages[0]!["pending"]!.GetValue<int>(), stages[0]!["inProgress"]!.GetValue<int>()));
            Assert.InRange(stages[1]!["failed"]!.GetValue<int>(), 4, 5);
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Fact]
    public async Task A_paused_campaign_survives_a_restart_and_resumes_without_losing_or_repeating_a_device()
    {
        await using var server = await TestServer.StartAsync();
        await AddFirmwareAsync(server);
        using var key = SigningKeyFile.LoadPublic(Path.Combine(server.DataDirectory, "pki", SigningKeyFile.PublicFileName));
        await using var fleet = await FirmwareFleets.CreateAsync(server, key, "RST", FirmwareFailure.None, devices: 4);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        var run = fleet.RunAsync(stop.Token);
        try
        {
            long id;
            using (var api = new ApiClient(server))
            {
                var admin = await api.KeyAsync("admin");
                await FirmwareFleets.UntilAsync(async () => await server.Host.Store.CountDevicesAsync(CancellationToken.None) == 4, stop.Token);
                id = await CreateAsync(api, admin, "{\"name\":\"fw\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"percent\":100}],\"maxConcurrency\":1,\"returnWithinMinutes\":30}");
                await FirmwareFleets.UntilAsync(async () => (await GetAsync(api, admin, id))["progress"]!["succeeded"]!.GetValue<int>() >= 1, stop.Token);
                Assert.Equal("paused", (await api.SendAsync(HttpMethod.Post, $"api/v1/campaigns/{id}/pause", admin)).Body["state"]!.GetValue<string>());
                await FirmwareFleets.UntilAsync(async () => (await GetAsync(api, admin, id))["progress"]!["inProgress"]!.GetValue<int>() == 0, stop.Token);
            }

            var before = (await server.Host.Store.GetCampaignProgressAsync(id, 1, CancellationToken.None)).Succeeded;
            var port = server.Url.Port;
            await server.RestartAsync(o => o.CwmpPort = port);

            using (var api = new ApiClient(server))
            {
                var admin = await api.KeyAsync("admin", name: "after-restart");
                var paused = await GetAsync(api, admin, id);
                Assert.Equal(("paused", before, 4 - before), (paused["state"]!.GetValue<string>(), paused["progress"]!["succeeded"]!.GetValue<int>(), paused["progress"]!["pending"]!.GetValue<int>()));
                Assert.Equal("running", (await api.SendAsync(HttpMethod.Post, $"api/v1/campaigns/{id}/resume", admin)).Body["state"]!.GetValue<string>());
                await FirmwareFleets.UntilAsync(async () => (await GetAsync(api, admin, id))["state"]!.GetValue<string>() == "completed", stop.Token);
                Assert.Equal(4, (await GetAsync(api, admin, id))["progress"]!["succeeded"]!.GetValue<int>());
                foreach (var device in await DevicesAsync(api, admin, id))
                {
                    Assert.Single(await server.Host.Store.ListTasksAsync(Parse(device), 10, CancellationToken.None), t => t.Name == "download");
                    Assert.Equal("2.1.0", (await server.Host.Store.GetDeviceAsync(Parse(device), CancellationToken.None))!.SoftwareVersion);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await run;
        }
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("halt")]
    public async Task A_device_started_before_a_pause_or_halt_still_fails_once_the_return_bound_passes(string how)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time: time);
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync("admin");
        await AddFirmwareAsync(server);

        // A device that takes its download and never comes back (no connection request URL, no simulator).
        await AddSilentDeviceAsync(server, time, "GONE00001");
        var id = await CreateAsync(api, admin, "{\"name\":\"fw\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"percent\":100}],\"maxConcurrency\":1,\"returnWithinMinutes\":30}");
        await server.Host.CampaignScheduler!.TickAsync(CancellationToken.None);
        Assert.Equal(1, (await GetAsync(api, admin, id))["progress"]!["inProgress"]!.GetValue<int>());

        if (how == "pause")
        {
            Assert.Equal("paused", (await api.SendAsync(HttpMethod.Post, $"api/v1/campaigns/{id}/pause", admin)).Body["state"]!.GetValue<string>());
        }
        else
        {
            Assert.True(await server.Host.Store.SetCampaignStateAsync(id, Acs.Campaigns.CampaignState.Running, Acs.Campaigns.CampaignState.Halted, "test", time.GetUtcNow(), CancellationToken.None));
        }

        // Within the bound it stays in progress (it may still come back); past it, it fails rather than stay in progress forever.
        time.Advance(TimeSpan.FromMinutes(29));
        await server.Host.CampaignScheduler.TickAsync(CancellationToken.None);
        Assert.Equal(1, (await GetAsync(api, admin, id))["progress"]!["inProgress"]!.GetValue<int>());
        time.Advance(TimeSpan.FromMinutes(2));
        await server.Host.CampaignScheduler.TickAsync(CancellationToken.None);
        var progress = (await GetAsync(api, admin, id))["progress"]!;
        Assert.Equal((0, 1), (progress["inProgress"]!.GetValue<int>(), progress["failed"]!.GetValue<int>()));
        Assert.Equal(1, progress["failedByReason"]!["timeout"]!.GetValue<int>());
    }

    /// <summary>Stores a device as its first session would, one that never informs again (no simulator, no connection request URL).</summary>
    internal static Task AddSilentDeviceAsync(TestServer server, TimeProvider time, string serial) =>
        server.Host.Store.CommitSessionAsync(new Acs.Storage.SessionChanges(new Device
        {
            Id = new DeviceId("00D09E", "HGW-1000", serial), Manufacturer = "Palisade Labs", RegisteredAt = time.GetUtcNow(), LastInformAt = time.GetUtcNow(), LastEvents = "1 BOOT",
            CwmpVersion = "1.4", RemoteAddress = "127.0.0.1", Transport = "tls1.3", AuthMethod = AuthMethods.Bootstrap, DataModelRoot = "Device",
            PeriodicInformInterval = 300, SoftwareVersion = "1.0",
        }), CancellationToken.None);

    internal static Task AddFirmwareAsync(TestServer server) =>
        server.Host.Files!.Service.AddAsync(new Acs.Access.Caller("test", Acs.Access.Roles.Admin, null, null),
            new Acs.Files.NewFile("fw-2.1.0.bin", "1 Firmware Upgrade Image", "2.1.0", null, null, null), new MemoryStream(RandomNumberGenerator.GetBytes(100_000)), CancellationToken.None);

    internal static async Task<long> CreateAsync(ApiClient api, string key, string body)
    {
        var created = await api.SendAsync(HttpMethod.Post, "api/v1/campaigns", key, body);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.Status);
        return created.Body["id"]!.GetValue<long>();
    }

    internal static async Task<JsonNode> GetAsync(ApiClient api, string key, long id) => (await api.SendAsync(HttpMethod.Get, $"api/v1/campaigns/{id}", key)).Body;

    internal static async Task<List<JsonNode>> DevicesAsync(ApiClient api, string key, long id) =>
        [.. (await api.SendAsync(HttpMethod.Get, $"api/v1/campaigns/{id}/devices?limit=1000", key)).Body["devices"]!.AsArray().Select(d => d!)];

    private static DeviceId Parse(JsonNode device) => DeviceId.TryParse(device["device"]!.GetValue<string>(), out var id) ? id : throw new FormatException("device id");
}
