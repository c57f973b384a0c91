namespace Palisade.Acs.Campaigns;

/// <summary>
/// How a campaign runs: its stages (the first is the canary), the maintenance window, how many devices may be in
/// progress at once (across every node), how long a started device has to come back on the new version, and the halt
/// rules of each stage.
/// </summary>
/// <param name="Stages">The stages, canary first (1–10).</param>
/// <param name="Window">The maintenance window, or null for any time.</param>
/// <param name="MaxConcurrency">Devices in progress at once (1–10,000).</param>
/// <param name="ReturnWithin">
/// Success criterion: a started device must have sent TransferComplete without fault and informed again with the
/// file's version within this time, or it fails (<c>timeout</c> when it never took the download, <c>no-return</c> otherwise).
/// </param>
/// <param name="MaxFailures">Halt when more than this many devices of the current stage failed; null: no such rule.</param>
/// <param name="MaxFailurePercent">Halt when more than this share (0–100) of the current stage's devices failed; null: no such rule.</param>
public sealed record CampaignPlan(IReadOnlyList<CampaignStage> Stages, CampaignWindow? Window, int MaxConcurrency, TimeSpan ReturnWithin, int? MaxFailures, double? MaxFailurePercent)
{
    /// <summary>
    /// The halt rule a stage of <paramref name="stageSize"/> devices with <paramref name="failed"/> failures trips, as a
    /// sentence, or null. "More than": the threshold itself does not halt, one failure above it does.
    /// </summary>
    public string? Tripped(int stage, int stageSize, int failed)
    {
        if (MaxFailures is { } n && failed > n)
        {
            return $"stage {stage + 1}: {failed} failures, more than the {n} allowed";
        }

        if (MaxFailurePercent is { } x && stageSize > 0 && failed * 100.0 > x * stageSize)
        {
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"stage {stage + 1}: {failed} of {stageSize} devices failed ({failed * 100.0 / stageSize:0.#} %), more than the {x} % allowed");
        }

        return null;
    }

    /// <summary>
    /// The stage of each of <paramref name="targets"/> devices, in order: percents are cumulative shares (rounded up),
    /// counts add devices, the last stage takes the rest. A stage may come out empty for a small fleet.
    /// </summary>
    public int[] StageOf(int targets)
    {
        var stages = new int[targets];
        var reached = 0;
        for (var s = 0; s < Stages.Count; s++)
        {
            var stage = Stages[s];
            var end = s == Stages.Count - 1 ? targets
                : stage.Percent is { } p ? (int)Math.Min(targets, Math.Ceiling(targets * p / 100.0))
                : Math.Min(targets, reached + (stage.Count ?? 0));
            for (var i = reached; i < Math.Max(end, reached); i++)
            {
                stages[i] = s;
            }

            reached = Math.Max(end, reached);
        }

        return stages;
    }
}
