using Palisade.Acs.Campaigns;

namespace Palisade.Acs.Storage;

/// <summary>The campaign concern of the composite (<see cref="ICampaignStore"/>).</summary>
public partial class CompositeStore
{
    private ICampaignStore? _campaigns;

    /// <summary>The campaign store piece, given by the store that composes this one.</summary>
    protected ICampaignStore Campaigns
    {
        get => _campaigns ?? throw new StoreException(StoreErrorReason.Unavailable, "This store has no campaign store.");
        init => _campaigns = value;
    }

    /// <inheritdoc />
    public Task<long> CreateCampaignAsync(Campaign campaign, IReadOnlyList<(string DeviceId, int Stage)> devices, CancellationToken cancellationToken) => Campaigns.CreateCampaignAsync(campaign, devices, cancellationToken);

    /// <inheritdoc />
    public Task<Campaign?> GetCampaignAsync(long id, CancellationToken cancellationToken) => Campaigns.GetCampaignAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Campaign>> ListCampaignsAsync(long? before, int limit, CancellationToken cancellationToken) => Campaigns.ListCampaignsAsync(before, limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> CampaignIdsAsync(CampaignState state, CancellationToken cancellationToken) => Campaigns.CampaignIdsAsync(state, cancellationToken);

    /// <inheritdoc />
    public Task<CampaignProgress> GetCampaignProgressAsync(long id, int stages, CancellationToken cancellationToken) => Campaigns.GetCampaignProgressAsync(id, stages, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CampaignDevice>> ListCampaignDevicesAsync(long id, CampaignDeviceState? state, string? after, int limit, CancellationToken cancellationToken) => Campaigns.ListCampaignDevicesAsync(id, state, after, limit, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetCampaignStateAsync(long id, CampaignState from, CampaignState to, string? haltReason, DateTimeOffset now, CancellationToken cancellationToken) => Campaigns.SetCampaignStateAsync(id, from, to, haltReason, now, cancellationToken);

    /// <inheritdoc />
    public Task<bool> AdvanceCampaignStageAsync(long id, int from, int stages, DateTimeOffset now, CancellationToken cancellationToken) => Campaigns.AdvanceCampaignStageAsync(id, from, stages, now, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CampaignDevice>> StartCampaignDevicesAsync(long id, int max, int maxInProgress, NewTask download, IReadOnlyCollection<string>? only, DateTimeOffset now, CancellationToken cancellationToken) => Campaigns.StartCampaignDevicesAsync(id, max, maxInProgress, download, only, now, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CampaignCandidate>> PendingCampaignDevicesAsync(long id, int stage, CampaignCandidate? after, int limit, IReadOnlyList<string> localTimePaths, CancellationToken cancellationToken) => Campaigns.PendingCampaignDevicesAsync(id, stage, after, limit, localTimePaths, cancellationToken);

    /// <inheritdoc />
    public Task<CampaignDevice?> GetActiveCampaignDeviceAsync(string deviceId, CancellationToken cancellationToken) => Campaigns.GetActiveCampaignDeviceAsync(deviceId, cancellationToken);

    /// <inheritdoc />
    public Task<bool> FinishCampaignDeviceAsync(long id, string deviceId, string? failure, DateTimeOffset now, CancellationToken cancellationToken) => Campaigns.FinishCampaignDeviceAsync(id, deviceId, failure, now, cancellationToken);

    /// <inheritdoc />
    public Task<int> ExpireCampaignDevicesAsync(long id, DateTimeOffset startedBefore, DateTimeOffset now, CancellationToken cancellationToken) => Campaigns.ExpireCampaignDevicesAsync(id, startedBefore, now, cancellationToken);

    /// <inheritdoc />
    public Task<int> RetryFailedCampaignDevicesAsync(long id, DateTimeOffset now, CancellationToken cancellationToken) => Campaigns.RetryFailedCampaignDevicesAsync(id, now, cancellationToken);

    /// <inheritdoc />
    public Task<string?> CampaignUsingFileAsync(string fileName, CancellationToken cancellationToken) => Campaigns.CampaignUsingFileAsync(fileName, cancellationToken);
}
