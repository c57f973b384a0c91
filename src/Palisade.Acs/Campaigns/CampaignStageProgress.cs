namespace Palisade.Acs.Campaigns;

/// <summary>The devices of one stage by state, and when the last of them finished.</summary>
public sealed record CampaignStageProgress(int Stage, int Pending, int InProgress, int Succeeded, int Failed, DateTimeOffset? LastFinishedAt)
{
    /// <summary>All devices of the stage.</summary>
    public int Targeted => Pending + InProgress + Succeeded + Failed;

    /// <summary>True when none is pending or in progress.</summary>
    public bool Finished => Pending == 0 && InProgress == 0;
}
