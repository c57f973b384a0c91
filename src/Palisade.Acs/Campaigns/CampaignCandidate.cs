namespace Palisade.Acs.Campaigns;

/// <summary>A pending device of a campaign that the scheduler may start, with the local time it last reported.</summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Stage">Its stage.</param>
/// <param name="LocalTime">Its cached local time (<see cref="DeviceLocalTime.Paths"/>), or null when it has none.</param>
public sealed record CampaignCandidate(string DeviceId, int Stage, string? LocalTime);
