namespace Palisade.Bench.Fleet;

/// <summary>
/// <c>fleet --scenario both</c>: the paired scenario's server (provision) beside the periodic server's figures of the same
/// run, its turns alternating with theirs: rate, server CPU per 1,000 sessions, and both as a ratio of periodic's
/// (issue 19's target: provision at least 70 % of periodic's sessions/s).
/// </summary>
internal sealed record ScenarioPairFigures(
    string Scenario,
    long Sessions,
    double SessionsPerSecond,
    double RatioToPeriodicSessionsPerSecond,
    LatencyReport LatencyMs,
    double ServerCpuSecondsPer1000Sessions,
    double CpuRatioToPeriodic,
    IReadOnlyList<double> TurnRatiosToPeriodic,
    double RegistrationSeconds,
    IReadOnlyDictionary<string, long> ErrorsByKind)
{
    public static ScenarioPairFigures Of(ScenarioSide paired, Turns periodic, IReadOnlyList<double> turnRatios)
    {
        var turns = paired.Side.Turns;
        return new ScenarioPairFigures(
            paired.Side.Name, turns.Sessions, Math.Round(turns.Rate, 1), Math.Round(turns.Rate / Math.Max(periodic.Rate, 1e-9), 3), SessionLoops.Report(turns.Latency),
            Math.Round(turns.ServerCpuPer1000, 3), Math.Round(turns.ServerCpuPer1000 / Math.Max(periodic.ServerCpuPer1000, 1e-9), 3),
            [.. turnRatios.Select(r => Math.Round(r, 3))], Math.Round(paired.RegistrationSeconds, 1), paired.Side.Errors);
    }
}
