using System.Diagnostics;
using System.Text.Json.Serialization;
using HdrHistogram;
using Microsoft.Data.Sqlite;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Cpe.Simulation;
using Palisade.Cwmp.Values;
using Palisade.Security.Pki;
using Palisade.Storage.Sqlite;
using Spectre.Console;

namespace Palisade.Bench;

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

    /// <summary>Sessions in flight above which the server sheds (storm scenario).</summary>
    public int MaxSessions { get; init; } = 100_000;
}

/// <summary>The JSON summary (camelCase field names).</summary>
internal sealed record FleetReport(
    string Scenario,
    double StormSeconds,
    long Shed,
    long StormTasksLost,
    long StormBootsLost,
    IReadOnlyDictionary<string, long> StormRetriesByKind,
    int Devices,
    string Tls,
    string Connection,
    string TlsSessionCache,
    string Auth,
    int DurationSeconds,
    long Sessions,
    double SessionsPerSecond,
    double BaselineSessionsPerSecond,
    double BaselineRatio,
    LatencyReport LatencyMs,
    LatencyReport HalfRateLatencyMs,
    LatencyReport? BaselineHalfRateLatencyMs,
    double HalfRateSessionsPerSecond,
    double HalfRateServerCpuSecondsPer1000Sessions,
    double ServerCpuSecondsPer1000Sessions,
    double BaselineServerCpuSecondsPer1000Sessions,
    double SimulatorCpuSecondsPer1000Sessions,
    long ServerPeakRssBytes,
    long ServerRestRssBytes,
    long StoredDevices,
    int TasksPerSession,
    double BootstrapSeconds,
    double BootstrapSessionsPerSecond,
    double BootstrapDevicesPerSecond,
    LatencyReport BootstrapLatencyMs,
    double CachedParametersPerDevice,
    long StoreBytes,
    double StoreBytesPerDevice,
    long CachedParameters,
    double StoreBytesPerParameter,
    IReadOnlyDictionary<string, long> ErrorsByKind,
    IReadOnlyDictionary<string, long> BaselineErrorsByKind);

internal sealed record LatencyReport(double P50, double P95, double P99);

/// <summary>Closed-loop turns against one server, added up: sessions, time, latency and both processes' CPU.</summary>
internal sealed class Turns(ServerProcess server)
{
    private double _seconds;
    private double _serverCpu;
    private double _simulatorCpu;

    public long Sessions { get; private set; }

    public LongHistogram Latency { get; } = new(TimeStamp.Minutes(10), 3);

    public double LastRate { get; private set; }

    /// <summary>Latency driven open loop at half the other server's rate (the baseline's comparison figure).</summary>
    public LongHistogram? HalfRateLatency { get; set; }

    /// <summary>Sessions against this server that failed, by kind.</summary>
    public SortedDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    public double Rate => Sessions / Math.Max(_seconds, 1e-9);

    public double ServerCpuPer1000 => _serverCpu * 1000 / Math.Max(1, Sessions);

    public double SimulatorCpuPer1000 => _simulatorCpu * 1000 / Math.Max(1, Sessions);

    public async Task RunAsync(Func<Task<(long Sessions, LongHistogram Latency)>> turn)
    {
        var serverCpu = server.CpuSeconds;
        var simulatorCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var clock = Stopwatch.StartNew();
        var (sessions, latency) = await turn().ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        _serverCpu += server.CpuSeconds - serverCpu;
        _simulatorCpu += Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - simulatorCpu;
        _seconds += seconds;
        Sessions += sessions;
        LastRate = sessions / seconds;
        Latency.Add(latency);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(FleetReport))]
internal sealed partial class ReportJson : JsonSerializerContext
{
}

/// <summary>
/// The fleet benchmark: a fresh <c>palisade serve</c> on 127.0.0.1, a fleet registered through its bootstrap
/// path, then periodic informs as fast as the fleet can drive them (closed loop), then again at half that rate
/// for latency, then the same closed loop against the canned baseline endpoint.
/// </summary>
internal static class FleetBenchmark
{
    public static async Task<FleetReport> RunAsync(FleetSettings settings, CancellationToken cancellationToken)
    {
        var data = settings.DataDirectory ?? Directory.CreateTempSubdirectory("palisade-bench-").FullName;
        var palisade = Path.Combine(AppContext.BaseDirectory, "palisade.dll");
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        try
        {
            await using var queue = new TaskQueue(data);
            await using var server = await ServerProcess.StartAsync("palisade: listening cwmp=", palisade, "serve", "--data", data, "--cwmp-port", "0", "--api-port", "-1",
                "--max-sessions", settings.MaxSessions.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log-level", "Warning").ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"palisade serve (pid {server.Pid}) at {server.Url}");
            await Task.Delay(2000, cancellationToken).ConfigureAwait(false);
            var restRss = server.RssBytes;
            var profile = DeviceProfile.Gateway();
            profile.MaxParameters = settings.Parameters;
            var bootstrap = (await File.ReadAllTextAsync(Path.Combine(data, "bootstrap-credential"), cancellationToken).ConfigureAwait(false)).Trim().Split(':', 2);
            await using var fleet = await FleetAsync(server.Url, settings, profile, bootstrap[0], bootstrap[1], data, cancellationToken).ConfigureAwait(false);

            // 1. Registration through the bootstrap path (first contact, enrollment, credential rotation). In the
            // bootstrap scenario each device's enrollment is followed by the discovery of its whole tree (the
            // names, then the values), queued when the device first appears, as an operator's policy would.
            var clock = Stopwatch.StartNew();
            var discover = settings.Scenario == "bootstrap";
            var (registered, enrollLatency) = await ClosedLoopAsync(fleet.Agents, settings.Concurrency, null, onePass: true, errors, cancellationToken,
                session: discover ? (agent, ct) => EnrollAndDiscoverAsync(agent, queue.Store(), ct) : null).ConfigureAwait(false);
            var bootstrapSeconds = clock.Elapsed.TotalSeconds;
            var bootstrapSessions = discover ? 2 * registered : registered;
            AnsiConsole.MarkupLineInterpolated($"registered {registered} devices{(discover ? " and discovered their trees" : "")} in {bootstrapSeconds:0.0} s");

            // Storm: every registered device boots at once; 503s are retried after their Retry-After.
            double stormSeconds = 0;
            long shed = 0;
            long stormTasksLost = 0, stormBootsLost = 0;
            var stormRetries = new SortedDictionary<string, long>(StringComparer.Ordinal);
            if (settings.Scenario == "storm")
            {
                // One task per device queued before the power comes back: each must be done after the storm, and each
                // device's BOOT must be recorded, or something was lost.
                var probe = TaskJson.Serialize(new GetParameterValuesTask(["Device.DeviceInfo.SoftwareVersion"]));
                var stormStart = DateTimeOffset.UtcNow;
                foreach (var agent in fleet.Agents)
                {
                    await queue.Store().AddTaskAsync(DeviceIdOf(agent), new NewTask("getParameterValues", probe, stormStart, null), cancellationToken).ConfigureAwait(false);
                }

                (stormSeconds, shed) = await StormAsync(fleet.Agents, errors, stormRetries, cancellationToken).ConfigureAwait(false);
                (stormTasksLost, stormBootsLost) = StormLosses(data, stormStart, fleet.Agents.Count);
                AnsiConsole.MarkupLineInterpolated($"storm: every device served in {stormSeconds:0.0} s, {shed} sheds (503 + Retry-After), {stormTasksLost} tasks and {stormBootsLost} BOOTs lost");
            }

            Func<CpeAgent, Task>? before = settings.TasksPerSession > 0 ? QueueWork(fleet.Agents[0], queue.Store(), settings.TasksPerSession, cancellationToken) : null;

            // 2. Periodic informs, closed loop: the most the server sustains. With the baseline, the two take turns
            // (Palisade, baseline, Palisade, ...) so that a machine that speeds up or slows down during the run
            // (shared hosts do) moves both figures alike and the ratio stays meaningful.
            var palisadeTurns = new Turns(server);
            var baselineTurns = await TakeTurnsAsync(settings, data, profile, fleet, palisadeTurns, errors, before, cancellationToken).ConfigureAwait(false);

            var sessions = palisadeTurns.Sessions;
            var rate = palisadeTurns.Rate;
            var latency = palisadeTurns.Latency;
            var serverCpuPer1000 = palisadeTurns.ServerCpuPer1000;
            var simCpuPer1000 = palisadeTurns.SimulatorCpuPer1000;
            AnsiConsole.MarkupLineInterpolated($"periodic: {sessions} sessions, {rate:0} sessions/s");

            // 3. Half that rate, open loop: latency when the server is not saturated.
            if (baselineTurns is not null)
            {
                // The baseline's fleet is garbage now; collected here rather than in the middle of the latency phase.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                await ReconnectAsync(fleet.Agents, settings, errors, before, cancellationToken).ConfigureAwait(false);
            }

            var halfServerCpu = server.CpuSeconds;
            var (halfSessions, halfLatency) = await OpenLoopAsync(fleet.Agents, rate / 2, HalfRateDuration(settings), errors, before, cancellationToken).ConfigureAwait(false);
            var halfRate = halfSessions / HalfRateDuration(settings).TotalSeconds;

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

            var (storeBytes, parameters, storedDevices) = StoreSize(data);
            return new FleetReport(
                settings.Scenario, Math.Round(stormSeconds, 1), shed, stormTasksLost, stormBootsLost, stormRetries, settings.Devices, settings.Tls switch { "resumed" => "resumed-session", "reuse" => "reused-connection", _ => "full-handshake" },
                settings.Tls == "reuse" ? "kept" : "per-session", "per-device",
                settings.Auth == "cert" ? "client-certificate" : "digest", settings.DurationSeconds,
                sessions, Math.Round(rate, 1), Math.Round(baseline, 1), baseline > 0 ? Math.Round(rate / baseline, 3) : 0,
                Report(latency), Report(halfLatency), baselineTurns?.HalfRateLatency is { } baselineHalf ? Report(baselineHalf) : null, Math.Round(halfRate, 1), Math.Round(halfServerCpuPer1000, 3),
                Math.Round(serverCpuPer1000, 3), Math.Round(baselineTurns?.ServerCpuPer1000 ?? 0, 3), Math.Round(simCpuPer1000, 3), peakRss, restRss, storedDevices,
                settings.TasksPerSession, Math.Round(bootstrapSeconds, 1), Math.Round(bootstrapSessions / bootstrapSeconds, 1), Math.Round(registered / bootstrapSeconds, 1), Report(enrollLatency),
                storedDevices > 0 ? Math.Round((double)parameters / storedDevices, 1) : 0,
                storeBytes, Math.Round((double)storeBytes / storedDevices, 1), parameters, parameters > 0 ? Math.Round((double)storeBytes / parameters, 1) : 0,
                errors, baselineTurns?.Errors ?? new SortedDictionary<string, long>(StringComparer.Ordinal));
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
        Row("baseline sessions/s", $"{r.BaselineSessionsPerSecond:0.0}");
        Row("ratio to baseline", $"{r.BaselineRatio:P1}");
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

    private static async Task<FleetSimulator> FleetAsync(Uri url, FleetSettings settings, DeviceProfile profile, string? user, string? password, string data, CancellationToken cancellationToken)
    {
        var options = new FleetOptions
        {
            // By name, as a CPE knows its ACS (TLS clients resume sessions only with a host name), at the address
            // the server listens on.
            AcsUrl = new UriBuilder(url) { Host = "localhost" }.Uri,
            ConnectTo = System.Net.IPAddress.Parse(url.Host),
            Devices = settings.Devices,
            Profile = profile,
            BootstrapUsername = settings.Auth == "cert" ? null : user,
            BootstrapPassword = settings.Auth == "cert" ? null : password,
            Periodic = TimeSpan.FromHours(1),
            Ramp = TimeSpan.Zero,
            // full: a new connection per session, never resumed; resumed: a new connection per session, each device
            // resuming its own TLS session (its first after boot is a full handshake); reuse: one kept connection.
            Connection = settings.Tls == "reuse" ? ConnectionMode.Kept : ConnectionMode.PerSession,
            AllowTlsResume = settings.Tls == "resumed",
        };
        options.TrustedCas.ImportFromPemFile(Path.Combine(data, "pki", "ca.crt"));

        // Client certificates as an operator issues them: from the server's CA, subject CN the device identity.
        using var authority = settings.Auth == "cert" ? new CertificateAuthority(PkiStore.LoadWithKey(Path.Combine(data, "pki", "ca.crt"), Path.Combine(data, "pki", "ca.key"))) : null;
        if (authority is not null)
        {
            options.ClientCertificates = identity => authority.IssueClient(DeviceIdOf(identity).ToString(), TimeSpan.FromDays(2));
        }

        var fleet = new FleetSimulator(options);
        await fleet.CreateAsync(cancellationToken).ConfigureAwait(false);
        return fleet;
    }

    private static Palisade.Acs.Devices.DeviceId DeviceIdOf(CpeAgent agent) => DeviceIdOf(agent.Model.Identity);

    private static Palisade.Acs.Devices.DeviceId DeviceIdOf(DeviceIdentity identity) => new(identity.Oui, identity.ProductClass, identity.SerialNumber);

    // After a storm: probe tasks still queued (never run), and devices whose BOOT after the storm began is not recorded.
    private static (long TasksLost, long BootsLost) StormLosses(string data, DateTimeOffset stormStart, int devices)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "palisade.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM tasks WHERE created_at >= $start AND status = 0";
        command.Parameters.AddWithValue("$start", stormStart.ToUnixTimeMilliseconds());
        var tasksLost = (long)command.ExecuteScalar()!;
        command.CommandText = "SELECT count(*) FROM devices WHERE last_boot_at >= $start";
        var booted = (long)command.ExecuteScalar()!;
        return (tasksLost, devices - booted);
    }

    private static async Task<(double Seconds, long Shed)> StormAsync(IReadOnlyList<CpeAgent> agents, SortedDictionary<string, long> errors, SortedDictionary<string, long> retries, CancellationToken cancellationToken)
    {
        long shed = 0;
        var clock = Stopwatch.StartNew();
        foreach (var agent in agents)
        {
            agent.PowerCycle();
        }

        long served = 0;
        using var progress = Progress("storm: served", () => Interlocked.Read(ref served), agents.Count, cancellationToken);
        await Parallel.ForEachAsync(agents, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(agents.Count, 4096), CancellationToken = cancellationToken }, async (agent, ct) =>
        {
            var attempts = 0;
            while (true)
            {
                var outcome = await agent.RunSessionAsync(ct).ConfigureAwait(false);
                if (outcome.Success)
                {
                    Interlocked.Increment(ref served);
                    return;
                }

                if (outcome.ErrorKind == "busy")
                {
                    Interlocked.Increment(ref shed);
                    await Task.Delay(outcome.RetryAfter ?? TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
                    continue;
                }

                // A connection that could not be made or timed out: a CPE retries with the TR-069 §3.2.1.1 back-off
                // (5–10 s, doubling). Counted apart from the errors, and an error only if it never gets through.
                if (outcome.ErrorKind is "connect" or "timeout" or "http" && ++attempts < 8)
                {
                    lock (retries)
                    {
                        retries[outcome.ErrorKind] = retries.GetValueOrDefault(outcome.ErrorKind) + 1;
                    }

                    var wait = 5 * Math.Pow(2, attempts - 1);
                    await Task.Delay(TimeSpan.FromSeconds(wait + (Random.Shared.NextDouble() * wait)), ct).ConfigureAwait(false);
                    continue;
                }

                lock (errors)
                {
                    errors[outcome.ErrorKind ?? "unknown"] = errors.GetValueOrDefault(outcome.ErrorKind ?? "unknown") + 1;
                }

                return;
            }
        }).ConfigureAwait(false);
        return (clock.Elapsed.TotalSeconds, shed);
    }

    private static async Task<(long Sessions, LongHistogram Latency)> ClosedLoopAsync(IReadOnlyList<CpeAgent> agents, int concurrency, TimeSpan? duration, bool onePass, SortedDictionary<string, long> errors, CancellationToken cancellationToken,
        Func<CpeAgent, Task>? before = null, string passLabel = "registered", Func<CpeAgent, CancellationToken, Task<SessionOutcome>>? session = null)
    {
        // A pass must serve everyone: a shed device comes back after its Retry-After, as a CPE does.
        session ??= onePass ? ServedAsync : static (agent, ct) => agent.RunSessionAsync(ct);
        var latency = new LongHistogram(TimeStamp.Minutes(10), 3);
        long sessions = 0;
        var next = -1;
        var deadline = duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        using var progress = onePass ? Progress(passLabel, () => Interlocked.Read(ref sessions), agents.Count, cancellationToken) : null;
        var workers = Enumerable.Range(0, Math.Min(concurrency, agents.Count)).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (onePass && i >= agents.Count)
                {
                    return;
                }

                var agent = agents[i % agents.Count];
                if (before is not null)
                {
                    await before(agent).ConfigureAwait(false);
                }

                var start = Stopwatch.GetTimestamp();
                var outcome = await session(agent, cancellationToken).ConfigureAwait(false);
                Record(outcome, start, latency, errors, ref sessions);
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return (sessions, latency);
    }

    // The store the benchmark queues tasks through, as the API does (the server finds them at the device's next
    // session): opened on first use, beside the running server (SQLite in WAL mode serves both processes).
    private sealed class TaskQueue(string data) : IAsyncDisposable
    {
        private SqliteStore? _store;

        public SqliteStore Store() => _store ??= SqliteStore.Open(new SqliteStoreOptions { DataDirectory = data });

        public ValueTask DisposeAsync() => _store?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    // One session, run again after each 503's Retry-After until the server takes it.
    private static async Task<SessionOutcome> ServedAsync(CpeAgent agent, CancellationToken cancellationToken)
    {
        var outcome = await agent.RunSessionAsync(cancellationToken).ConfigureAwait(false);
        while (outcome.ErrorKind == "busy" && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(outcome.RetryAfter ?? TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            outcome = await agent.RunSessionAsync(cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    // The bootstrap scenario's unit: first contact (enrollment, credential rotation), then the discovery of the
    // device's whole tree in its next session: every name with its writability, then every value.
    private static async Task<SessionOutcome> EnrollAndDiscoverAsync(CpeAgent agent, SqliteStore store, CancellationToken cancellationToken)
    {
        var enrolled = await ServedAsync(agent, cancellationToken).ConfigureAwait(false);
        if (!enrolled.Success)
        {
            return enrolled;
        }

        var id = DeviceIdOf(agent);
        var root = agent.Model.Root;
        await store.AddTaskAsync(id, new NewTask("getParameterNames", TaskJson.Serialize(new GetParameterNamesTask(root, NextLevel: false)), DateTimeOffset.UtcNow, null), cancellationToken).ConfigureAwait(false);
        await store.AddTaskAsync(id, new NewTask("getParameterValues", TaskJson.Serialize(new GetParameterValuesTask([root])), DateTimeOffset.UtcNow, null), cancellationToken).ConfigureAwait(false);
        return await ServedAsync(agent, cancellationToken).ConfigureAwait(false);
    }

    // Before each session: TASKS tasks for the device, alternately a GetParameterValues of 50 of its parameters and
    // a SetParameterValues of 5 (the work scenario's pair), queued as the API queues them.
    private static Func<CpeAgent, Task> QueueWork(CpeAgent sample, SqliteStore store, int tasks, CancellationToken cancellationToken)
    {
        var names = sample.Model.GetNames(sample.Model.Root, false).Where(p => !p.IsObject).Select(p => p.Name).Take(50).ToList();
        var gpv = TaskJson.Serialize(new GetParameterValuesTask(names));
        var spv = TaskJson.Serialize(new SetParameterValuesTask(
        [
            new("Device.WiFi.SSID.1.SSID", ParameterValue.String("bench-1")),
            new("Device.WiFi.SSID.2.SSID", ParameterValue.String("bench-2")),
            new("Device.WiFi.SSID.1.Enable", ParameterValue.Boolean(true)),
            new("Device.WiFi.SSID.2.Enable", ParameterValue.Boolean(true)),
            new("Device.WiFi.AccessPoint.1.SSIDAdvertisementEnabled", ParameterValue.Boolean(true)),
        ]));
        return async agent =>
        {
            var id = DeviceIdOf(agent);
            for (var i = 0; i < tasks; i++)
            {
                var task = i % 2 == 0 ? new NewTask("getParameterValues", gpv, DateTimeOffset.UtcNow, null) : new NewTask("setParameterValues", spv, DateTimeOffset.UtcNow, null);
                await store.AddTaskAsync(id, task, cancellationToken).ConfigureAwait(false);
            }
        };
    }

    // A line every ten seconds while a long phase runs, so a 100,000-device run never looks hung.
    private static ProgressLine Progress(string what, Func<long> done, int total, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), stop.Token).ConfigureAwait(false);
                    AnsiConsole.MarkupLineInterpolated($"  {what} {done():N0} / {total:N0} after {clock.Elapsed.TotalSeconds:0} s");
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        return new ProgressLine(stop);
    }

    private sealed class ProgressLine(CancellationTokenSource stop) : IDisposable
    {
        public void Dispose()
        {
            stop.Cancel();
            stop.Dispose();
        }
    }

    // The closed loop against Palisade, alone or taking turns with the baseline (then returned, its server and fleet
    // gone: the baseline's fleet would otherwise add its garbage to the simulator's heap during the latency phase).
    private static async Task<Turns?> TakeTurnsAsync(FleetSettings settings, string data, DeviceProfile profile, FleetSimulator fleet, Turns palisade,
        SortedDictionary<string, long> errors, Func<CpeAgent, Task>? before, CancellationToken cancellationToken)
    {
        // A warm-up turn each, not counted: the first seconds of a process (JIT, tiered compilation, pools filling)
        // ran 30 % below the rest.
        await WarmUpAsync(fleet.Agents, settings, FirstWarmUp(settings), errors, before, cancellationToken).ConfigureAwait(false);
        var duration = TimeSpan.FromSeconds(settings.DurationSeconds);
        if (!settings.Baseline)
        {
            await palisade.RunAsync(() => ClosedLoopAsync(fleet.Agents, settings.Concurrency, duration, onePass: false, errors, cancellationToken, before)).ConfigureAwait(false);
            return null;
        }

        await using var canned = await ServerProcess.StartAsync(BaselineServer.Marker, Path.Combine(AppContext.BaseDirectory, "Palisade.Bench.dll"), "baseline-server",
            "--cert", Path.Combine(data, "pki", "server.crt"), "--key", Path.Combine(data, "pki", "server.key"), "--client-ca", Path.Combine(data, "pki", "ca.crt")).ConfigureAwait(false);
        await using var baselineFleet = await FleetAsync(canned.Url, settings, profile, null, null, data, cancellationToken).ConfigureAwait(false);
        var baseline = new Turns(canned);
        var baselineErrors = baseline.Errors;
        await WarmUpAsync(baselineFleet.Agents, settings, FirstWarmUp(settings), baselineErrors, null, cancellationToken).ConfigureAwait(false);
        var rounds = Math.Max(1, settings.Rounds);
        var turn = duration / rounds;
        for (var round = 0; round < rounds; round++)
        {
            // Every turn starts with every device's connection fresh (ReconnectAsync), so it measures sessions.
            await ReconnectAsync(fleet.Agents, settings, errors, before, cancellationToken).ConfigureAwait(false);
            await palisade.RunAsync(() => ClosedLoopAsync(fleet.Agents, settings.Concurrency, turn, onePass: false, errors, cancellationToken, before)).ConfigureAwait(false);
            await ReconnectAsync(baselineFleet.Agents, settings, baselineErrors, null, cancellationToken).ConfigureAwait(false);
            await baseline.RunAsync(() => ClosedLoopAsync(baselineFleet.Agents, settings.Concurrency, turn, onePass: false, baselineErrors, cancellationToken)).ConfigureAwait(false);
            AnsiConsole.MarkupLineInterpolated($"round {round + 1}/{rounds}: palisade {palisade.LastRate:0}/s, baseline {baseline.LastRate:0}/s");
        }

        // The baseline driven open loop at the rate Palisade's latency is read at (half Palisade's): the same
        // clients, TLS mode and rate against a server that does nothing, so the latency that comes from
        // connections and the simulator itself shows apart from Palisade's own.
        await ReconnectAsync(baselineFleet.Agents, settings, baselineErrors, null, cancellationToken).ConfigureAwait(false);
        (_, baseline.HalfRateLatency) = await OpenLoopAsync(baselineFleet.Agents, palisade.Rate / 2, HalfRateDuration(settings), baselineErrors, null, cancellationToken).ConfigureAwait(false);
        return baseline;
    }

    // The open-loop phase that reads latency below saturation: half the duration, at least 3 s.
    private static TimeSpan HalfRateDuration(FleetSettings settings) => TimeSpan.FromSeconds(Math.Max(3, settings.DurationSeconds / 2.0));

    // Before a server's first turn: --warmup seconds, at most the duration.
    private static double FirstWarmUp(FleetSettings settings) => Math.Clamp(settings.WarmUpSeconds, 0, settings.DurationSeconds);

    // Before a turn: one uncounted session per device. After the other server's turn a fleet's kept connections
    // have gone idle, many past the client's 15 s; a timed pass of a few seconds reconnected only some of them
    // (new TLS connections run at ~300/s here), so the first turn measured reconnections: 1,435-2,220 sessions/s
    // against 2,120-2,718 in later turns, lower the longer the other server's warm-up had been.
    private static Task ReconnectAsync(IReadOnlyList<CpeAgent> agents, FleetSettings settings, SortedDictionary<string, long> errors, Func<CpeAgent, Task>? before, CancellationToken cancellationToken) =>
        ClosedLoopAsync(agents, settings.Concurrency, null, onePass: true, errors, cancellationToken, before, "reconnected");

    // An uncounted closed-loop pass of the given seconds.
    private static Task WarmUpAsync(IReadOnlyList<CpeAgent> agents, FleetSettings settings, double seconds, SortedDictionary<string, long> errors, Func<CpeAgent, Task>? before, CancellationToken cancellationToken) =>
        ClosedLoopAsync(agents, settings.Concurrency, TimeSpan.FromSeconds(seconds), onePass: false, errors, cancellationToken, before);

    private static async Task<(long Sessions, LongHistogram Latency)> OpenLoopAsync(IReadOnlyList<CpeAgent> agents, double rate, TimeSpan duration, SortedDictionary<string, long> errors, Func<CpeAgent, Task>? before, CancellationToken cancellationToken)
    {
        var latency = new LongHistogram(TimeStamp.Minutes(10), 3);
        long sessions = 0;
        var busy = new int[agents.Count];
        var running = new List<Task>();
        var clock = Stopwatch.StartNew();
        long issued = 0;
        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * rate);
            while (issued < due)
            {
                var index = (int)(issued++ % agents.Count);
                if (Interlocked.CompareExchange(ref busy[index], 1, 0) != 0)
                {
                    continue;
                }

                running.Add(Task.Run(async () =>
                {
                    if (before is not null)
                    {
                        await before(agents[index]).ConfigureAwait(false);
                    }

                    var start = Stopwatch.GetTimestamp();
                    var outcome = await agents[index].RunSessionAsync(cancellationToken).ConfigureAwait(false);
                    Record(outcome, start, latency, errors, ref sessions);
                    Volatile.Write(ref busy[index], 0);
                }, cancellationToken));
            }

            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        return (sessions, latency);
    }

    private static void Record(SessionOutcome outcome, long start, LongHistogram latency, SortedDictionary<string, long> errors, ref long sessions)
    {
        var micros = (long)(Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1000);
        if (outcome.Success)
        {
            Interlocked.Increment(ref sessions);
            lock (latency)
            {
                latency.RecordValue(Math.Max(1, micros));
            }
        }
        else
        {
            lock (errors)
            {
                errors[outcome.ErrorKind ?? "unknown"] = errors.GetValueOrDefault(outcome.ErrorKind ?? "unknown") + 1;
            }
        }
    }

    private static LatencyReport Report(LongHistogram h) => h.TotalCount == 0 ? new(0, 0, 0) : new(
        Math.Round(h.GetValueAtPercentile(50) / 1000.0, 2), Math.Round(h.GetValueAtPercentile(95) / 1000.0, 2), Math.Round(h.GetValueAtPercentile(99) / 1000.0, 2));

    private static (long Bytes, long Parameters, long Devices) StoreSize(string data)
    {
        var files = new[] { "palisade.db", "palisade.db-wal" }.Select(f => Path.Combine(data, f)).Where(File.Exists);
        var bytes = files.Sum(f => new FileInfo(f).Length);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "palisade.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM parameters";
        var parameters = (long)command.ExecuteScalar()!;
        command.CommandText = "SELECT count(*) FROM devices";
        return (bytes, parameters, (long)command.ExecuteScalar()!);
    }
}
