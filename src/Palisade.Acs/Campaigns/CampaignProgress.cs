namespace Palisade.Acs.Campaigns;

/// <summary>A campaign's devices by stage and state, and its failures by reason.</summary>
/// <param name="Stages">One entry per stage of the plan, in order (empty stages included).</param>
/// <param name="FailedByReason">Failed devices by reason (<see cref="CampaignFailures"/>).</param>
public sealed record CampaignProgress(IReadOnlyList<CampaignStageProgress> Stages, IReadOnlyDictionary<string, int> FailedByReason)
{
    /// <summary>Every device of the campaign.</summary>
    public int Targeted => Stages.Sum(s => s.Targeted);

    /// <summary>Not started yet.</summary>
    public int Pending => Stages.Sum(s => s.Pending);

    /// <summary>Started, not finished.</summary>
    public int InProgress => Stages.Sum(s => s.InProgress);

    /// <summary>On the new version.</summary>
    public int Succeeded => Stages.Sum(s => s.Succeeded);

    /// <summary>Failed, for any reason.</summary>
    public int Failed => Stages.Sum(s => s.Failed);
}
