using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Cpe.Simulation;
using Spectre.Console;

namespace Palisade.Bench.Fleet;

/// <summary>
/// The periodic phases every scenario ends with: closed-loop turns against Palisade and the baseline, alternating, each
/// after a warm-up and a reconnecting pass; then the baseline open loop at half Palisade's rate.
/// </summary>
internal static class PeriodicPhases
{
    // The closed loop against Palisade, alone or taking turns with the baseline (then returned, its server and fleet
    // gone: the baseline's fleet would otherwise add its garbage to the simulator's heap during the latency phase).
    public static async Task<Turns?> TakeTurnsAsync(FleetSettings settings, string data, DeviceProfile profile, FleetSimulator fleet, Turns palisade,
        SortedDictionary<string, long> errors, Func<CpeAgent, Task>? before, CancellationToken cancellationToken)
    {
        // A warm-up turn each, not counted: the first seconds of a process (JIT, tiered compilation, pools filling)
        // ran 30 % below the rest.
        var warmUp = FirstWarmUp(settings);
        var (warmUpSessions, _) = await WarmUpAsync(fleet.Agents, settings, warmUp, errors, before, cancellationToken).ConfigureAwait(false);
        AnsiConsole.MarkupLineInterpolated($"warm-up: {warmUp:0} s, {warmUpSessions} sessions, not counted");
        var duration = TimeSpan.FromSeconds(settings.DurationSeconds);
        var rounds = Math.Max(1, settings.Rounds);
        var turn = duration / rounds;
        if (!settings.Baseline)
        {
            // Palisade alone: the same duration in --rounds turns back to back, each printed, so that a run shows its
            // own spread (a provisioning turn and a periodic one compared across runs differed by 40 % on a loaded
            // machine while the periodic turns agreed).
            for (var round = 0; round < rounds; round++)
            {
                await palisade.RunAsync(() => SessionLoops.ClosedLoopAsync(fleet.Agents, settings.Concurrency, turn, onePass: false, errors, cancellationToken, before)).ConfigureAwait(false);
                AnsiConsole.MarkupLineInterpolated($"round {round + 1}/{rounds}: palisade {palisade.LastRate:0}/s, server {palisade.LastCpuPer1000.Server:0.00} CPU-ms/session");
            }

            return null;
        }

        await using var canned = await ServerProcess.StartAsync(BaselineServer.Marker, Path.Combine(AppContext.BaseDirectory, "Palisade.Bench.dll"), "baseline-server",
            "--cert", Path.Combine(data, "pki", "server.crt"), "--key", Path.Combine(data, "pki", "server.key"), "--client-ca", Path.Combine(data, "pki", "ca.crt")).ConfigureAwait(false);
        await using var baselineFleet = await BenchFleets.CreateAsync(canned.Url, settings, profile, null, null, data, cancellationToken).ConfigureAwait(false);
        var baseline = new Turns(canned);
        var baselineErrors = baseline.Errors;
        await WarmUpAsync(baselineFleet.Agents, settings, warmUp, baselineErrors, null, cancellationToken).ConfigureAwait(false);
        await AlternateAsync(settings, [new("palisade", fleet.Agents, palisade, errors, before), new("baseline", baselineFleet.Agents, baseline, baselineErrors, null)],
            (round, rounds) => AnsiConsole.MarkupLineInterpolated($"round {round}/{rounds}: palisade {palisade.LastRate:0}/s, baseline {baseline.LastRate:0}/s"), cancellationToken).ConfigureAwait(false);

        // The baseline driven open loop at the rate Palisade's latency is read at (half Palisade's): the same
        // clients, TLS mode and rate against a server that does nothing, so the latency that comes from
        // connections and the simulator itself shows apart from Palisade's own.
        await ReconnectAsync(baselineFleet.Agents, settings, baselineErrors, null, cancellationToken).ConfigureAwait(false);
        (_, baseline.HalfRateLatency) = await SessionLoops.OpenLoopAsync(baselineFleet.Agents, palisade.Rate / 2, HalfRateDuration(settings), baselineErrors, null, cancellationToken).ConfigureAwait(false);
        return baseline;
    }

    // With --db: the closed loop against the SQLite server and the PostgreSQL node(s), alternating (SQLite, PostgreSQL,
    // SQLite, ...) so that a machine that speeds up or slows down during the run moves both alike, each turn after a
    // reconnecting pass and each side after its own warm-up.
    public static async Task TakeStoreTurnsAsync(FleetSettings settings, FleetSimulator fleet, Turns sqlite, Postgres.PostgresSide postgres,
        SortedDictionary<string, long> errors, Func<CpeAgent, Task>? before, CancellationToken cancellationToken)
    {
        await WarmUpAsync(fleet.Agents, settings, FirstWarmUp(settings), errors, before, cancellationToken).ConfigureAwait(false);
        await WarmUpAsync(postgres.Agents, settings, FirstWarmUp(settings), postgres.Errors, postgres.Before, cancellationToken).ConfigureAwait(false);
        var pg = postgres.Turns;
        await AlternateAsync(settings, [new("SQLite", fleet.Agents, sqlite, errors, before), new("PostgreSQL", postgres.Agents, pg, postgres.Errors, postgres.Before)], (round, rounds) =>
        {
            var database = postgres.MeasuresDatabase ? $" + PostgreSQL {pg.LastCpuPer1000.Database:0.00}" : string.Empty;
            AnsiConsole.MarkupLineInterpolated(
                $"round {round}/{rounds}: SQLite {sqlite.LastRate:0}/s, server {sqlite.LastCpuPer1000.Server:0.00} CPU-ms/session; PostgreSQL ({postgres.Nodes.Count} node(s)) {pg.LastRate:0}/s, server {pg.LastCpuPer1000.Server:0.00}{database} CPU-ms/session");
        }, cancellationToken).ConfigureAwait(false);
    }

    // With --scenario both: the periodic server's turns and the paired scenario's server's (provision), alternating, each
    // side after its own warm-up; each round prints both sides' sessions/s and server CPU per session, and the paired
    // scenario's as a share of periodic's. Returns each round's sessions/s ratio.
    public static async Task<IReadOnlyList<double>> TakeScenarioTurnsAsync(FleetSettings settings, TurnSide periodic, TurnSide paired, CancellationToken cancellationToken)
    {
        foreach (var side in new[] { periodic, paired })
        {
            var (sessions, _) = await WarmUpAsync(side.Agents, settings, FirstWarmUp(settings), side.Errors, side.Before, cancellationToken).ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"warm-up ({side.Name}): {FirstWarmUp(settings):0} s, {sessions} sessions, not counted");
        }

        var ratios = new List<double>();
        var (a, b) = (periodic.Turns, paired.Turns);
        await AlternateAsync(settings, [periodic, paired], (round, rounds) =>
        {
            ratios.Add(b.LastRate / Math.Max(a.LastRate, 1e-9));
            var cpu = b.LastCpuPer1000.Server / Math.Max(a.LastCpuPer1000.Server, 1e-9);
            AnsiConsole.MarkupLineInterpolated(
                $"round {round}/{rounds}: {periodic.Name} {a.LastRate:0}/s, server {a.LastCpuPer1000.Server:0.00} CPU-ms/session; {paired.Name} {b.LastRate:0}/s, server {b.LastCpuPer1000.Server:0.00} CPU-ms/session; {paired.Name}/{periodic.Name}: {ratios[^1]:P1} of the sessions/s, {cpu:0.00} × the CPU per session");
        }, cancellationToken).ConfigureAwait(false);
        return ratios;
    }

    // Closed-loop turns of each side in alternation (A, B, A, B, ...: --rounds each, the duration split among them), so
    // that a machine that speeds up or slows down during the run moves every side alike. Every turn starts with every
    // device's connection fresh (ReconnectAsync), so it measures sessions. The caller warms the sides up; after each
    // round, printRound(round, rounds).
    public static async Task AlternateAsync(FleetSettings settings, IReadOnlyList<TurnSide> sides, Action<int, int> printRound, CancellationToken cancellationToken)
    {
        var rounds = Math.Max(1, settings.Rounds);
        var turn = TimeSpan.FromSeconds(settings.DurationSeconds) / rounds;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var side in sides)
            {
                await ReconnectAsync(side.Agents, settings, side.Errors, side.Before, cancellationToken).ConfigureAwait(false);
                await side.Turns.RunAsync(() => SessionLoops.ClosedLoopAsync(side.Agents, settings.Concurrency, turn, onePass: false, side.Errors, cancellationToken, side.Before)).ConfigureAwait(false);
            }

            printRound(round + 1, rounds);
        }
    }

    // The open-loop phase that reads latency below saturation: half the duration, at least 3 s.
    public static TimeSpan HalfRateDuration(FleetSettings settings) => TimeSpan.FromSeconds(Math.Max(3, settings.DurationSeconds / 2.0));

    // Before a server's first turn: --warmup seconds, at most the duration.
    private static double FirstWarmUp(FleetSettings settings) => Math.Clamp(settings.WarmUpSeconds, 0, settings.DurationSeconds);

    // Before a turn: one uncounted session per device. After the other server's turn a fleet's kept connections
    // have gone idle, many past the client's 15 s; a timed pass of a few seconds reconnected only some of them
    // (new TLS connections run at ~300/s here), so the first turn measured reconnections: 1,435-2,220 sessions/s
    // against 2,120-2,718 in later turns, lower the longer the other server's warm-up had been.
    public static Task ReconnectAsync(IReadOnlyList<CpeAgent> agents, FleetSettings settings, SortedDictionary<string, long> errors, Func<CpeAgent, Task>? before, CancellationToken cancellationToken) =>
        SessionLoops.ClosedLoopAsync(agents, settings.Concurrency, null, onePass: true, errors, cancellationToken, before, "reconnected");

    // An uncounted closed-loop pass of the given seconds.
    private static Task<(long Sessions, HdrHistogram.LongHistogram Latency)> WarmUpAsync(IReadOnlyList<CpeAgent> agents, FleetSettings settings, double seconds, SortedDictionary<string, long> errors, Func<CpeAgent, Task>? before, CancellationToken cancellationToken) =>
        SessionLoops.ClosedLoopAsync(agents, settings.Concurrency, TimeSpan.FromSeconds(seconds), onePass: false, errors, cancellationToken, before);
}
