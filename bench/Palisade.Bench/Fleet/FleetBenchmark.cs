using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Palisade.Bench.Fleet.Scenarios;
using Palisade.Bench.Postgres;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Spectre.Console;

namespace Palisade.Bench.Fleet;

/// <summary>
/// The fleet benchmark's frame, the same for every scenario (<see cref="IFleetScenario"/>): a fresh <c>palisade serve</c>
/// on 127.0.0.1, a fleet registered through its bootstrap path, the scenario's own phase, then periodic informs as fast
/// as the fleet can drive them (closed loop, taking turns with the canned baseline endpoint), then again at half that
/// rate for latency.
/// </summary>
internal static class FleetBenchmark
{
    public static async Task<FleetReport> RunAsync(FleetSettings settings, CancellationToken cancellationToken)
    {
        var scenario = FleetScenarios.Find(settings.Scenario) ?? throw new ArgumentException($"No scenario is called '{settings.Scenario}'.", nameof(settings));
        var data = settings.DataDirectory ?? Directory.CreateTempSubdirectory("palisade-bench-").FullName;
        var palisade = Path.Combine(AppContext.BaseDirectory, "palisade.dll");
        try
        {
            await using var queue = new TaskQueue(data);
            await using var server = await ServerProcess.StartAsync("palisade: listening cwmp=", palisade, "serve", "--data", data, "--cwmp-port", "0", "--api-port", "-1", "--files-port", "-1",
                "--max-sessions", settings.MaxSessions.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log-level", "Warning").ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"palisade serve (pid {server.Pid}) at {server.Url}");
            await Task.Delay(2000, cancellationToken).ConfigureAwait(false);
            var restRss = server.RssBytes;
            var profile = DeviceProfile.Gateway();
            profile.MaxParameters = settings.Parameters;
            var bootstrap = (await File.ReadAllTextAsync(Path.Combine(data, "bootstrap-credential"), cancellationToken).ConfigureAwait(false)).Trim().Split(':', 2);
            await using var fleet = await BenchFleets.CreateAsync(server.Url, settings, profile, bootstrap[0], bootstrap[1], data, cancellationToken).ConfigureAwait(false);
            var run = new BenchRun { Settings = settings, Data = data, Server = server, Profile = profile, Fleet = fleet, Queue = queue, CancellationToken = cancellationToken };
            var errors = run.Errors;

            // 1. Registration through the bootstrap path (first contact, enrollment, credential rotation), each device
            // as the scenario registers it.
            var clock = Stopwatch.StartNew();
            var registration = scenario.Registration(run);
            var (registered, enrollLatency) = await SessionLoops.ClosedLoopAsync(fleet.Agents, settings.Concurrency, null, onePass: true, errors, cancellationToken,
                session: registration?.Session).ConfigureAwait(false);
            var bootstrapSeconds = clock.Elapsed.TotalSeconds;
            var bootstrapSessions = (registration?.SessionsPerDevice ?? 1) * registered;
            AnsiConsole.MarkupLineInterpolated($"registered {registered} devices{registration?.Done ?? string.Empty} in {bootstrapSeconds:0.0} s");

            // The scenario's own phase (the storm).
            await scenario.AfterRegistrationAsync(run).ConfigureAwait(false);

            Func<CpeAgent, Task>? before = settings.TasksPerSession > 0 ? WorkScenario.QueueWork(fleet.Agents[0], queue.Store(), settings.TasksPerSession, cancellationToken) : null;

            // 2. Periodic informs, closed loop: the most the server sustains. With the baseline, the two take turns
            // (Palisade, baseline, Palisade, ...) so that a machine that speeds up or slows down during the run
            // (shared hosts do) moves both figures alike and the ratio stays meaningful.
            var palisadeTurns = new Turns(server);
            Turns? baselineTurns = null;
            PostgresFigures? postgresFigures = null;
            ScenarioPairFigures? pairFigures = null;
            if (settings.Paired is { } pairedName)
            {
                // With --scenario both, the paired scenario's own server takes the baseline's place in the turns.
                await using var paired = await ScenarioSide.StartAsync(settings, profile, FleetScenarios.Find(pairedName)!, cancellationToken).ConfigureAwait(false);
                var ratios = await PeriodicPhases.TakeScenarioTurnsAsync(settings, new TurnSide(scenario.Name, fleet.Agents, palisadeTurns, errors, before), paired.Side, cancellationToken).ConfigureAwait(false);
                pairFigures = ScenarioPairFigures.Of(paired, palisadeTurns, ratios);
            }
            else if (settings.Db is null)
            {
                baselineTurns = await PeriodicPhases.TakeTurnsAsync(settings, data, profile, fleet, palisadeTurns, errors, before, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // With --db, PostgreSQL's node(s) take the baseline's place in the turns.
                await using var postgres = await PostgresSide.StartAsync(settings, profile, cancellationToken).ConfigureAwait(false);
                await PeriodicPhases.TakeStoreTurnsAsync(settings, fleet, palisadeTurns, postgres, errors, before, cancellationToken).ConfigureAwait(false);
                postgresFigures = PostgresFigures.Of(postgres, palisadeTurns);
            }

            var sessions = palisadeTurns.Sessions;
            var rate = palisadeTurns.Rate;
            AnsiConsole.MarkupLineInterpolated($"periodic: {sessions} sessions, {rate:0} sessions/s");

            // 3. Half that rate, open loop: latency when the server is not saturated.
            if (baselineTurns is not null)
            {
                // The baseline's fleet is garbage now; collected here rather than in the middle of the latency phase.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                await PeriodicPhases.ReconnectAsync(fleet.Agents, settings, errors, before, cancellationToken).ConfigureAwait(false);
            }

            var halfServerCpu = server.CpuSeconds;
            var (halfSessions, halfLatency) = await SessionLoops.OpenLoopAsync(fleet.Agents, rate / 2, PeriodicPhases.HalfRateDuration(settings), errors, before, cancellationToken).ConfigureAwait(false);
            var halfRate = halfSessions / PeriodicPhases.HalfRateDuration(settings).TotalSeconds;

            // CPU per session at a steady, unsaturated load: what a fleet costs to serve, with less of the
            // contention noise of the saturated phase.
            var halfServerCpuPer1000 = (server.CpuSeconds - halfServerCpu) * 1000 / Math.Max(1, halfSessions);
            var peakRss = server.PeakRssBytes;
            await server.DisposeAsync().ConfigureAwait(false);
            var baseline = baselineTurns?.Rate ?? 0;
            if (baselineTurns is not null)
            {
                AnsiConsole.MarkupLineInterpolated($"baseline: {baseline:0} sessions/s, {baselineTurns.ServerCpuPer1000:0.00} server CPU s per 1000 sessions");
            }

            var (storeBytes, parameters, storedDevices) = StoreFigures.StoreSize(data);
            var storm = run.Storm;
            return new FleetReport(
                settings.Scenario, Math.Round(storm.Seconds, 1), storm.Shed, storm.TasksLost, storm.BootsLost, storm.RetriesByKind, settings.Devices,
                settings.Tls switch { "resumed" => "resumed-session", "reuse" => "reused-connection", _ => "full-handshake" },
                settings.Tls == "reuse" ? "kept" : "per-session", "per-device",
                settings.Auth == "cert" ? "client-certificate" : "digest", settings.DurationSeconds,
                sessions, Math.Round(rate, 1), Math.Round(baseline, 1), baseline > 0 ? Math.Round(rate / baseline, 3) : 0,
                SessionLoops.Report(palisadeTurns.Latency), SessionLoops.Report(halfLatency), baselineTurns?.HalfRateLatency is { } baselineHalf ? SessionLoops.Report(baselineHalf) : null,
                Math.Round(halfRate, 1), Math.Round(halfServerCpuPer1000, 3),
                Math.Round(palisadeTurns.ServerCpuPer1000, 3), Math.Round(baselineTurns?.ServerCpuPer1000 ?? 0, 3), Math.Round(palisadeTurns.SimulatorCpuPer1000, 3), peakRss, restRss, storedDevices,
                settings.TasksPerSession, Math.Round(bootstrapSeconds, 1), Math.Round(bootstrapSessions / bootstrapSeconds, 1), Math.Round(registered / bootstrapSeconds, 1), SessionLoops.Report(enrollLatency),
                storedDevices > 0 ? Math.Round((double)parameters / storedDevices, 1) : 0,
                storeBytes, Math.Round((double)storeBytes / storedDevices, 1), parameters, parameters > 0 ? Math.Round((double)storeBytes / parameters, 1) : 0,
                errors, baselineTurns?.Errors ?? new SortedDictionary<string, long>(StringComparer.Ordinal), postgresFigures, pairFigures);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                if (settings.DataDirectory is null)
                {
                    Directory.Delete(data, recursive: true);
                }
            }
            catch (IOException)
            {
            }
        }
    }
}
