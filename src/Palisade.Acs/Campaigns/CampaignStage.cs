namespace Palisade.Acs.Campaigns;

/// <summary>
/// One stage of a campaign: how many devices it reaches, and how long it soaks once all of them finished before the
/// next stage may start. <see cref="Percent"/> is cumulative (the share of the targeted devices reached by the end of
/// this stage: 1, 10, 100); <see cref="Count"/> is the number of devices this stage adds. The last stage takes every
/// device not yet in a stage.
/// </summary>
/// <param name="Percent">Cumulative share of the targeted devices (0–100], or null.</param>
/// <param name="Count">Devices this stage adds, or null.</param>
/// <param name="Soak">How long the stage is watched after its last device finished.</param>
public sealed record CampaignStage(double? Percent, int? Count, TimeSpan Soak);
