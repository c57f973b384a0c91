using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Acs.Campaigns;
using Palisade.Acs.Files;
using Palisade.Acs.Storage;
using Palisade.Acs.Tests.Sessions;
using Palisade.Cwmp;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Tests.Campaigns;

/// <summary>
/// What campaigns cost a steady fleet's sessions: the campaign step looks a device up only while some campaign has a
/// device in progress (the only devices it judges). A paused or halted campaign whose downloads all ended costs
/// nothing; one resumed acts at its device's next session; one halted with a download under way still judges it.
/// </summary>
public sealed class CampaignSessionCostTests : IAsyncLifetime
{
    private const string Version = "2.0.0";

    private EngineHarness _acs = null!;
    private CampaignScheduler _scheduler = null!;
    private CountingCampaigns _lookups = null!;

    public Task InitializeAsync()
    {
        _acs = EngineHarness.Create(
            extraStep: h => new FileTransferStep(new TransferTokens(RandomNumberGenerator.GetBytes(32), TimeSpan.FromHours(1), h.Time), new FileServerUrls("https://acs.test:7567/", null), NullLogger.Instance),
            trailingSteps: h =>
            {
                _scheduler = new CampaignScheduler(h.Store, h.Time, NullLogger.Instance);
                _lookups = new CountingCampaigns(h.Store);
                return [new CampaignStep(_lookups, _scheduler)];
            });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _scheduler.Dispose();
        await _acs.DisposeAsync();
    }

    [Fact]
    public async Task Sessions_look_campaigns_up_only_while_a_campaign_has_a_device_in_progress()
    {
        var target = await _acs.EnrolledCpeAsync("CAMP-1");
        var bystander = await _acs.EnrolledCpeAsync("CAMP-2");
        var file = await StoreFileAsync();
        var now = _acs.Time.GetUtcNow();
        var plan = new CampaignPlan([new CampaignStage(100, null, TimeSpan.Zero)], null, 10, TimeSpan.FromHours(1), null, null);
        var id = await _acs.Store.CreateCampaignAsync(
            new Campaign(0, "fw", file.Name, file.Sha256, Version, null, plan, CampaignState.Paused, null, 0, now, "admin", now), [(target.Id.ToString(), 0)], CancellationToken.None);

        // Paused before it started anyone: it cannot act on any session, so none looks it up.
        await _scheduler.TickAsync(CancellationToken.None);
        Assert.False(_scheduler.AnyActive);
        Assert.Empty((await target.RunSessionAsync()).OfType<DownloadRequest>());
        Assert.Empty((await bystander.RunSessionAsync()).OfType<DownloadRequest>());
        Assert.Equal(0, _lookups.Count);

        // Resumed: the next tick starts the device, and its next session runs the download and is watched.
        Assert.True(await _acs.Store.SetCampaignStateAsync(id, CampaignState.Paused, CampaignState.Running, null, now, CancellationToken.None));
        _scheduler.Touch();
        await _scheduler.TickAsync(CancellationToken.None);
        Assert.True(_scheduler.AnyActive);
        string? commandKey = null;
        await target.RunSessionAsync(request =>
        {
            commandKey = Assert.IsType<DownloadRequest>(request).CommandKey;
            return new DownloadResponse(1, CwmpDateTime.Unknown, CwmpDateTime.Unknown);
        });
        Assert.NotNull(commandKey);
        Assert.Equal(1, _lookups.Count);

        // Halted with the download under way: the device is still judged when it comes back on the new version.
        Assert.True(await _acs.Store.SetCampaignStateAsync(id, CampaignState.Running, CampaignState.Halted, "test", _acs.Time.GetUtcNow(), CancellationToken.None));
        await _scheduler.TickAsync(CancellationToken.None);
        Assert.True(_scheduler.AnyActive);
        var inform = target.Inform("1 BOOT", "7 TRANSFER COMPLETE", "M Download");
        Assert.Equal(200, (await target.InformAsync(inform with { ParameterList = [.. inform.ParameterList.Select(OnNewVersion)] })).Status);
        Assert.IsType<TransferCompleteResponse>((await target.PostAsync(CwmpEnvelope.For(CwmpVersion.V1_4, "tc", new TransferCompleteRequest(commandKey!, TransferFault.None, EngineHarness.Start, EngineHarness.Start)))).Body);
        await target.FinishSessionAsync();
        Assert.Equal(2, _lookups.Count);
        var judged = Assert.Single(await _acs.Store.ListCampaignDevicesAsync(id, null, null, 10, CancellationToken.None));
        Assert.Equal(CampaignDeviceState.Succeeded, judged.State);

        // Nothing in progress any more: the halted campaign costs sessions nothing again.
        await _scheduler.TickAsync(CancellationToken.None);
        Assert.False(_scheduler.AnyActive);
        await bystander.RunSessionAsync();
        await target.RunSessionAsync();
        Assert.Equal(2, _lookups.Count);
    }

    private static ParameterValueStruct OnNewVersion(ParameterValueStruct p) =>
        p.Name.EndsWith(".SoftwareVersion", StringComparison.Ordinal) ? p with { Value = ParameterValue.String(Version) } : p;

    private async Task<StoredFile> StoreFileAsync()
    {
        var content = RandomNumberGenerator.GetBytes(4096);
        var file = new StoredFile("fw-2.0.0.bin", FileTypes.Firmware, Version, null, null, null, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length, "{}", null, null, _acs.Time.GetUtcNow(), "test");
        Assert.True(await _acs.Store.PutFileAsync(file, new MemoryStream(content), CancellationToken.None));
        return file;
    }

    /// <summary>The store as the campaign step sees it, counting the per-session lookups.</summary>
    private sealed class CountingCampaigns(ICampaignStore inner) : ICampaignStore
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task<CampaignDevice?> GetActiveCampaignDeviceAsync(string deviceId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return inner.GetActiveCampaignDeviceAsync(deviceId, cancellationToken);
        }

        public Task<long> CreateCampaignAsync(Campaign campaign, IReadOnlyList<(string DeviceId, int Stage)> devices, CancellationToken cancellationToken) => inner.CreateCampaignAsync(campaign, devices, cancellationToken);

        public Task<Campaign?> GetCampaignAsync(long id, CancellationToken cancellationToken) => inner.GetCampaignAsync(id, cancellationToken);

        public Task<IReadOnlyList<Campaign>> ListCampaignsAsync(long? before, int limit, CancellationToken cancellationToken) => inner.ListCampaignsAsync(before, limit, cancellationToken);

        public Task<IReadOnlyList<long>> CampaignIdsAsync(CampaignState state, CancellationToken cancellationToken) => inner.CampaignIdsAsync(state, cancellationToken);

        public Task<CampaignProgress> GetCampaignProgressAsync(long id, int stages, CancellationToken cancellationToken) => inner.GetCampaignProgressAsync(id, stages, cancellationToken);

        public Task<IReadOnlyList<CampaignDevice>> ListCampaignDevicesAsync(long id, CampaignDeviceState? state, string? after, int limit, CancellationToken cancellationToken) =>
            inner.ListCampaignDevicesAsync(id, state, after, limit, cancellationToken);

        public Task<bool> SetCampaignStateAsync(long id, CampaignState from, CampaignState to, string? haltReason, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.SetCampaignStateAsync(id, from, to, haltReason, now, cancellationToken);

        public Task<bool> AdvanceCampaignStageAsync(long id, int from, int stages, DateTimeOffset now, CancellationToken cancellationToken) => inner.AdvanceCampaignStageAsync(id, from, stages, now, cancellationToken);

        public Task<IReadOnlyList<CampaignDevice>> StartCampaignDevicesAsync(long id, int max, int maxInProgress, NewTask download, IReadOnlyCollection<string>? only, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.StartCampaignDevicesAsync(id, max, maxInProgress, download, only, now, cancellationToken);

        public Task<IReadOnlyList<CampaignCandidate>> PendingCampaignDevicesAsync(long id, int stage, CampaignCandidate? after, int limit, IReadOnlyList<string> localTimePaths, CancellationToken cancellationToken) =>
            inner.PendingCampaignDevicesAsync(id, stage, after, limit, localTimePaths, cancellationToken);

        public Task<bool> FinishCampaignDeviceAsync(long id, string deviceId, string? failure, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.FinishCampaignDeviceAsync(id, deviceId, failure, now, cancellationToken);

        public Task<int> ExpireCampaignDevicesAsync(long id, DateTimeOffset startedBefore, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.ExpireCampaignDevicesAsync(id, startedBefore, now, cancellationToken);

        public Task<int> RetryFailedCampaignDevicesAsync(long id, DateTimeOffset now, CancellationToken cancellationToken) => inner.RetryFailedCampaignDevicesAsync(id, now, cancellationToken);

        public Task<string?> CampaignUsingFileAsync(string fileName, CancellationToken cancellationToken) => inner.CampaignUsingFileAsync(fileName, cancellationToken);
    }
}
