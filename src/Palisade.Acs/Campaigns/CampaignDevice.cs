namespace Palisade.Acs.Campaigns;

/// <summary>One device of a campaign.</summary>
/// <param name="Campaign">The campaign's id.</param>
/// <param name="DeviceId">The device.</param>
/// <param name="Stage">The stage it belongs to.</param>
/// <param name="State">Where it is.</param>
/// <param name="Reason">Why it failed (<see cref="CampaignFailures"/>), or null.</param>
/// <param name="TaskId">Its download task, once started.</param>
/// <param name="StartedAt">When it was started (its task queued).</param>
/// <param name="FinishedAt">When it succeeded or failed.</param>
public sealed record CampaignDevice(long Campaign, string DeviceId, int Stage, CampaignDeviceState State, string? Reason, long? TaskId, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);
