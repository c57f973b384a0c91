namespace Palisade.Bench.Fleet;

/// <summary>What one benchmark run measures.</summary>
internal sealed class FleetSettings
{
    public int Devices { get; init; } = 1000;

    public int DurationSeconds { get; init; } = 20;

    public int Parameters { get; init; }

    /// <summary>full (a new connection and a full TLS handshake per session), resumed (a new connection resuming the
    /// TLS session) or reuse (one kept connection per device).</summary>
    public string Tls { get; init; } = "full";

    /// <summary>digest (the bootstrap credential, then each device's own Digest credential) or cert (a client
    /// certificate per device, issued by the server's CA: no password at all).</summary>
    public string Auth { get; init; } = "digest";

    /// <summary>Tasks queued for each session of the periodic phases, alternately a GetParameterValues of 50
    /// parameters and a SetParameterValues of 5.</summary>
    public int TasksPerSession { get; init; }

    public int Concurrency { get; init; } = 64;

    public bool Baseline { get; init; } = true;

    public string? JsonPath { get; init; }

    /// <summary>periodic, work (GetParameterValues of 50 + SetParameterValues of 5 per session), storm (every device
    /// boots at once) or bootstrap (each device's enrollment is followed by the discovery of its tree).</summary>
    public string Scenario { get; init; } = "periodic";

    /// <summary>
    /// <c>--scenario both</c>: a second scenario (provision) run on a server of its own beside <see cref="Scenario"/>'s, the
    /// closed-loop turns of the two alternating in place of the baseline's. Null: one scenario.
    /// </summary>
    public string? Paired { get; init; }

    /// <summary>An existing data folder to serve (e.g. one filled by store-scale); kept afterwards. Null: a fresh one.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Turns Palisade and the baseline take in the closed loop (the duration is split among them).</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>
    /// Uncounted seconds of closed loop before each server's first turn (at most the duration). The runtime keeps
    /// recompiling hot code at higher tiers for tens of seconds after start: a perf profile of the server 15 s into
    /// the periodic phase showed the JIT at 5-6 % of its CPU, 85 s in under 1 %.
    /// </summary>
    public int WarmUpSeconds { get; init; } = 20;

    /// <summary>
    /// A PostgreSQL database (<c>postgresql://USER@HOST:PORT/DATABASE</c>, empty or left by an earlier run) that
    /// <c>palisade serve --db</c> nodes use; the closed-loop turns are then SQLite's and PostgreSQL's, alternating, and
    /// the canned baseline is not run. Null: SQLite only.
    /// </summary>
    public string? Db { get; init; }

    /// <summary>The PostgreSQL cluster's data folder (its postmaster.pid), to read the cluster's CPU; null: not measured.</summary>
    public string? PostgresData { get; init; }

    /// <summary>PostgreSQL nodes sharing the database (the fleet split evenly among them).</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>Sessions in flight above which the server sheds (storm scenario).</summary>
    public int MaxSessions { get; init; } = 100_000;
}
