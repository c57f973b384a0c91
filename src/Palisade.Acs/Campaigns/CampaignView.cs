namespace Palisade.Acs.Campaigns;

/// <summary>A campaign and its progress, as the API, the CLI and the console show it.</summary>
public sealed record CampaignView(Campaign Campaign, CampaignProgress Progress);
