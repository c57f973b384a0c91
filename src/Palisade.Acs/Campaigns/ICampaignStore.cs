using Palisade.Acs.Storage;

namespace Palisade.Acs.Campaigns;

/// <summary>
/// Campaigns and their devices. Every write that changes a campaign's state or its devices' assignments is one
/// transaction, and every decision that must happen once (starting devices, advancing a stage, halting) is a
/// compare-and-set on the campaign's row (locked for the transaction on PostgreSQL), so several nodes sharing the store
/// never double up. A device is in at most one campaign that holds devices (<see cref="CampaignStates.HoldsDevices"/>):
/// the store enforces it with a unique row per device among those.
/// </summary>
public interface ICampaignStore
{
    /// <summary>
    /// Stores a new campaign (its <see cref="Campaign.Id"/> is ignored) with its devices and their stages, all pending;
    /// returns its id.
    /// </summary>
    /// <exception cref="StoreException">Rejected when a device is already in another campaign that holds devices; nothing was written.</exception>
    Task<long> CreateCampaignAsync(Campaign campaign, IReadOnlyList<(string DeviceId, int Stage)> devices, CancellationToken cancellationToken);

    /// <summary>A campaign, or null.</summary>
    Task<Campaign?> GetCampaignAsync(long id, CancellationToken cancellationToken);

    /// <summary>Campaigns by id, newest first, those before <paramref name="before"/> (null: from the newest).</summary>
    Task<IReadOnlyList<Campaign>> ListCampaignsAsync(long? before, int limit, CancellationToken cancellationToken);

    /// <summary>The ids of the campaigns in <paramref name="state"/>.</summary>
    Task<IReadOnlyList<long>> CampaignIdsAsync(CampaignState state, CancellationToken cancellationToken);

    /// <summary>A campaign's devices by stage and state (one entry per stage up to <paramref name="stages"/>) and its failures by reason.</summary>
    Task<CampaignProgress> GetCampaignProgressAsync(long id, int stages, CancellationToken cancellationToken);

    /// <summary>A campaign's devices (in <paramref name="state"/> if given) by device id after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<CampaignDevice>> ListCampaignDevicesAsync(long id, CampaignDeviceState? state, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a campaign from <paramref name="from"/> to <paramref name="to"/> (with <paramref name="haltReason"/> when
    /// halting); false when it is not in <paramref name="from"/> (another node or operator moved it first). Moving to
    /// aborted cancels its downloads still queued; moving to aborted or completed releases its devices.
    /// </summary>
    Task<bool> SetCampaignStateAsync(long id, CampaignState from, CampaignState to, string? haltReason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a running campaign from stage <paramref name="from"/> to the next one, or to completed after the last
    /// (<paramref name="stages"/> in all); false when it is no longer running at that stage.
    /// </summary>
    Task<bool> AdvanceCampaignStageAsync(long id, int from, int stages, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Starts up to <paramref name="max"/> pending devices of a running campaign's stages up to its current one,
    /// never more than leaves <paramref name="maxInProgress"/> in progress: each gets <paramref name="download"/> queued
    /// as a task of its own, in the same transaction. A device no longer registered fails (<see cref="CampaignFailures.Gone"/>).
    /// Only devices in <paramref name="only"/> are started when it is given (those inside their maintenance window).
    /// Returns the devices started (empty when the campaign is not running).
    /// </summary>
    Task<IReadOnlyList<CampaignDevice>> StartCampaignDevicesAsync(long id, int max, int maxInProgress, NewTask download, IReadOnlyCollection<string>? only, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> pending devices of a campaign's stages up to <paramref name="stage"/>, by stage and
    /// device id after <paramref name="after"/> (null: from the first), each with the cached value of the first of
    /// <paramref name="localTimePaths"/> it has (null when none). A bounded page: the scheduler walks the pending devices
    /// a page per tick rather than reading them all.
    /// </summary>
    Task<IReadOnlyList<CampaignCandidate>> PendingCampaignDevicesAsync(long id, int stage, CampaignCandidate? after, int limit, IReadOnlyList<string> localTimePaths, CancellationToken cancellationToken);

    /// <summary>The device's row in a campaign that holds devices, or null.</summary>
    Task<CampaignDevice?> GetActiveCampaignDeviceAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>
    /// Ends an in-progress device: succeeded (<paramref name="failure"/> null) or failed with that reason; false when it
    /// was not in progress in that campaign.
    /// </summary>
    Task<bool> FinishCampaignDeviceAsync(long id, string deviceId, string? failure, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Fails the in-progress devices started before <paramref name="startedBefore"/>: <see cref="CampaignFailures.Timeout"/>
    /// when their task was never taken (still queued, or gone), <see cref="CampaignFailures.NoReturn"/> otherwise; their
    /// queued tasks are cancelled. Returns how many.
    /// </summary>
    Task<int> ExpireCampaignDevicesAsync(long id, DateTimeOffset startedBefore, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Puts a campaign's failed devices back to pending (their stages unchanged); returns how many.</summary>
    Task<int> RetryFailedCampaignDevicesAsync(long id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The name of a running, paused or halted campaign that sends file <paramref name="fileName"/>, or null.</summary>
    Task<string?> CampaignUsingFileAsync(string fileName, CancellationToken cancellationToken);
}
