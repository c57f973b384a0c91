using Spectre.Console;

namespace Palisade.Bench.Fleet;

/// <summary>The fleet benchmark's figures as the table it prints.</summary>
internal static class FleetReportTable
{
    public static void Print(FleetReport r)
    {
        var table = new Table().AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(name, Markup.Escape(value));
        Row("scenario / devices / TLS / auth / tasks per session", $"{r.Scenario} / {r.Devices} / {r.Tls} / {r.Auth} / {r.TasksPerSession}");
        Row("connection / TLS session cache", $"{r.Connection} / {r.TlsSessionCache}");
        if (r.Scenario == "storm")
        {
            Row("storm: every device served in", $"{r.StormSeconds:0.0} s ({r.Shed} × 503 with Retry-After)");
            Row("storm: tasks / BOOTs lost", $"{r.StormTasksLost} / {r.StormBootsLost}");
            Row("storm: sessions retried after a connection failure", r.StormRetriesByKind.Count == 0 ? "none" : string.Join(", ", r.StormRetriesByKind.Select(e => $"{e.Key}={e.Value}")));
        }

        Row("sessions/s (periodic, closed loop)", $"{r.SessionsPerSecond:0.0}");
        if (r.BaselineSessionsPerSecond > 0)
        {
            Row("baseline sessions/s", $"{r.BaselineSessionsPerSecond:0.0}");
            Row("ratio to baseline", $"{r.BaselineRatio:P1}");
        }
        else
        {
            // With --no-baseline there is no ratio; a printed 0.0 % read as a figure.
            Row("baseline", r.Postgres is not null ? "not run (--db: PostgreSQL takes its turns)" : r.Pair is { } pair ? $"not run (--scenario both: {pair.Scenario} takes its turns)" : "not run (--no-baseline)");
        }
        Row("latency p50/p95/p99 (ms), saturated", $"{r.LatencyMs.P50:0.0} / {r.LatencyMs.P95:0.0} / {r.LatencyMs.P99:0.0}");
        Row($"latency p50/p95/p99 (ms) at {r.HalfRateSessionsPerSecond:0}/s", $"{r.HalfRateLatencyMs.P50:0.0} / {r.HalfRateLatencyMs.P95:0.0} / {r.HalfRateLatencyMs.P99:0.0}");
        if (r.BaselineHalfRateLatencyMs is { } b)
        {
            Row("baseline latency p50/p95/p99 (ms) at that rate", $"{b.P50:0.0} / {b.P95:0.0} / {b.P99:0.0}");
        }

        Row("CPU s per 1000 sessions: server / simulator", $"{r.ServerCpuSecondsPer1000Sessions:0.00} / {r.SimulatorCpuSecondsPer1000Sessions:0.00}");
        Row($"CPU s per 1000 sessions: server at {r.HalfRateSessionsPerSecond:0}/s", $"{r.HalfRateServerCpuSecondsPer1000Sessions:0.00}");
        if (r.BaselineServerCpuSecondsPer1000Sessions > 0)
        {
            Row("CPU s per 1000 sessions: baseline server", $"{r.BaselineServerCpuSecondsPer1000Sessions:0.00}");
        }

        if (r.Postgres is { } pg)
        {
            PostgresRows(Row, r, pg);
        }

        if (r.Pair is { } paired)
        {
            PairRows(Row, r, paired);
        }

        Row("server RSS at rest / peak", $"{r.ServerRestRssBytes / 1048576.0:0} / {r.ServerPeakRssBytes / 1048576.0:0} MiB");
        Row("devices in the store", $"{r.StoredDevices:N0}");
        Row(r.Scenario == "bootstrap" ? "bootstrap (enroll every device, discover its tree)" : "bootstrap (enroll every device)", $"{r.BootstrapSeconds:0.0} s, {r.BootstrapDevicesPerSecond:0} devices/s, {r.BootstrapSessionsPerSecond:0} sessions/s");
        Row("bootstrap latency per device p50/p95/p99 (ms)", $"{r.BootstrapLatencyMs.P50:0.0} / {r.BootstrapLatencyMs.P95:0.0} / {r.BootstrapLatencyMs.P99:0.0}");
        Row("store: bytes per device / per cached parameter", $"{r.StoreBytesPerDevice:0} / {r.StoreBytesPerParameter:0} ({r.CachedParameters} parameters, {r.CachedParametersPerDevice:0.0} per device)");
        Row("errors", r.ErrorsByKind.Count == 0 ? "none" : string.Join(", ", r.ErrorsByKind.Select(e => $"{e.Key}={e.Value}")));
        if (r.BaselineErrorsByKind.Count > 0)
        {
            Row("baseline errors (its figures are suspect)", string.Join(", ", r.BaselineErrorsByKind.Select(e => $"{e.Key}={e.Value}")));
        }

        AnsiConsole.Write(table);
    }

    // fleet --scenario both: the paired scenario's server beside the periodic one's figures above, turn by turn.
    private static void PairRows(Action<string, string> row, FleetReport r, ScenarioPairFigures p)
    {
        row($"{p.Scenario}: sessions/s (closed loop, turns alternating with {r.Scenario})", $"{p.SessionsPerSecond:0.0} ({p.RatioToPeriodicSessionsPerSecond:P1} of {r.Scenario}'s; turns {string.Join(" / ", p.TurnRatiosToPeriodic.Select(t => t.ToString("P1", System.Globalization.CultureInfo.InvariantCulture)))})");
        row($"{p.Scenario}: latency p50/p95/p99 (ms), saturated", $"{p.LatencyMs.P50:0.0} / {p.LatencyMs.P95:0.0} / {p.LatencyMs.P99:0.0}");
        row($"{p.Scenario}: CPU s per 1000 sessions: server", $"{p.ServerCpuSecondsPer1000Sessions:0.00} ({p.CpuRatioToPeriodic:0.00} × {r.Scenario}'s)");
        row($"{p.Scenario}: registration of the fleet", $"{p.RegistrationSeconds:0.0} s");
        row($"{p.Scenario}: errors", p.ErrorsByKind.Count == 0 ? "none" : string.Join(", ", p.ErrorsByKind.Select(e => $"{e.Key}={e.Value}")));
    }

    // fleet --db: the PostgreSQL node(s) beside the SQLite server's figures above, and the issue's CPU target.
    private static void PostgresRows(Action<string, string> row, FleetReport r, Postgres.PostgresFigures pg)
    {
        row($"PostgreSQL ({pg.Nodes} node(s)): sessions/s (periodic, closed loop)", $"{pg.SessionsPerSecond:0.0} ({pg.RatioToSqliteSessionsPerSecond:P1} of SQLite's)");
        row("PostgreSQL: latency p50/p95/p99 (ms), saturated", $"{pg.LatencyMs.P50:0.0} / {pg.LatencyMs.P95:0.0} / {pg.LatencyMs.P99:0.0}");
        var nodes = pg.Nodes > 1 ? $" (each node: {string.Join(" / ", pg.NodeCpuSecondsPer1000Sessions.Select(c => c.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))})" : string.Empty;
        row("PostgreSQL: CPU s per 1000 sessions: server" + (pg.Nodes > 1 ? "s" : string.Empty), $"{pg.ServerCpuSecondsPer1000Sessions:0.00}{nodes}");
        row("PostgreSQL: CPU s per 1000 sessions: the PostgreSQL cluster", pg.DatabaseCpuSecondsPer1000Sessions is { } d ? $"{d:0.00}" : "not measured (--pg-data)");
        row($"target: (server + PostgreSQL) ≤ {Postgres.PostgresFigures.CpuTarget:0.0} × SQLite server CPU per session", pg.CpuRatioToSqliteServer is { } ratio
            ? $"{ratio:0.00} × ({pg.ServerCpuSecondsPer1000Sessions + pg.DatabaseCpuSecondsPer1000Sessions:0.00} against {r.ServerCpuSecondsPer1000Sessions:0.00}): {(ratio <= Postgres.PostgresFigures.CpuTarget ? "met" : "NOT met")}"
            : "not measured (--pg-data)");
        row("PostgreSQL: registration of the fleet", $"{pg.RegistrationSeconds:0.0} s");
        row("PostgreSQL: errors", pg.ErrorsByKind.Count == 0 ? "none" : string.Join(", ", pg.ErrorsByKind.Select(e => $"{e.Key}={e.Value}")));
    }
}
