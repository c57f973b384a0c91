using Palisade.Bench.Fleet;

namespace Palisade.Bench.Postgres;

/// <summary>
/// <c>fleet --db</c>'s PostgreSQL figures beside the SQLite server's turns: rate, CPU per 1,000 sessions of the nodes
/// (together and each) and of the PostgreSQL cluster, and the target, (nodes + PostgreSQL) ≤ 1.5 × SQLite's server.
/// </summary>
internal sealed record PostgresFigures(
    int Nodes,
    long Sessions,
    double SessionsPerSecond,
    double RatioToSqliteSessionsPerSecond,
    LatencyReport LatencyMs,
    double ServerCpuSecondsPer1000Sessions,
    IReadOnlyList<double> NodeCpuSecondsPer1000Sessions,
    double? DatabaseCpuSecondsPer1000Sessions,
    double? CpuRatioToSqliteServer,
    double RegistrationSeconds,
    IReadOnlyDictionary<string, long> ErrorsByKind)
{
    /// <summary>The bound on <see cref="CpuRatioToSqliteServer"/>.</summary>
    public const double CpuTarget = 1.5;

    public static PostgresFigures Of(PostgresSide side, Turns sqlite)
    {
        var pg = side.Turns;
        double? database = side.MeasuresDatabase ? Math.Round(pg.DatabaseCpuPer1000, 3) : null;
        return new PostgresFigures(
            side.Nodes.Count, pg.Sessions, Math.Round(pg.Rate, 1), Math.Round(pg.Rate / Math.Max(sqlite.Rate, 1e-9), 3), SessionLoops.Report(pg.Latency),
            Math.Round(pg.ServerCpuPer1000, 3), [.. pg.NodeCpuPer1000.Select(c => Math.Round(c, 3))], database,
            database is { } d ? Math.Round((pg.ServerCpuPer1000 + d) / Math.Max(sqlite.ServerCpuPer1000, 1e-9), 3) : null,
            Math.Round(side.RegistrationSeconds, 1), side.Errors);
    }
}
