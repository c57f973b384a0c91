using System.Diagnostics;
using Npgsql;
using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Storage.Postgres;
using Spectre.Console;

namespace Palisade.Bench.Postgres;

/// <summary>
/// <c>pg-scale</c>: a PostgreSQL store of N devices × P parameters against one of a small population, in the same
/// cluster. Each is seeded (<see cref="PostgresSeed"/>) and sized; then both take turns serving periodic sessions of
/// devices picked at random across their whole population, through the store calls the engine makes for a periodic
/// Inform on PostgreSQL: the device read that authenticates, unless the node's copy of the device (RecentDevices, as
/// many as the engine keeps) admits it; the lease with the device read under it, which also tells whether tasks are
/// queued (none are, so the session reads none); the commit of the Inform's parameters that gives the lease back. No
/// CWMP and no TLS: what grows with the population is the store, and this measures the store alone.
/// </summary>
internal static class PostgresScale
{
    // The parameters a periodic Inform carries (the simulator's gateway sends seven): rewritten by every session.
    private const int InformParameters = 7;

    public sealed record Settings(string Db, string? PostgresData, int Devices, int Parameters, int Small, int DurationSeconds, int Rounds, int Concurrency, bool Reuse, string? Keys, int WarmupSeconds, int Events);

    private sealed record Population(string Label, int Devices, PostgresStore Store, string ConnectionString)
    {
        public long Sessions { get; set; }

        public double Seconds { get; set; }

        public double DatabaseCpu { get; set; }

        public double ClientCpu { get; set; }

        public long ParameterBytes { get; set; }

        public long DatabaseBytes { get; set; }

        public double? SeedSeconds { get; set; }

        public PostgresActivity Activity { get; set; } = PostgresActivity.None;

        // The node's copies of the devices its sessions committed: the engine's own class, with its capacity.
        public RecentDevices Recent { get; } = new();

        // Sessions served in the turns that read the device before the lease (no copy).
        public long Uncopied;
    }

    public static async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var connectionString = PostgresConnection.FromUrl(settings.Db, Environment.GetEnvironmentVariable);
        var smallConnection = await SmallDatabaseAsync(connectionString, cancellationToken).ConfigureAwait(false);
        // The store's key file: in a temporary folder removed afterwards, or where --keys says (kept for a later --reuse).
        var keys = settings.Keys is { } kept ? Directory.CreateDirectory(kept).FullName : Directory.CreateTempSubdirectory("palisade-pg-scale-").FullName;
        try
        {
            await using var big = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = connectionString, KeyPath = Path.Combine(keys, "store.key") }, cancellationToken).ConfigureAwait(false);
            await using var small = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = smallConnection, KeyPath = Path.Combine(keys, "store.key") }, cancellationToken).ConfigureAwait(false);
            Population[] populations = [new($"{settings.Small:N0} devices", settings.Small, small, smallConnection), new($"{settings.Devices:N0} devices", settings.Devices, big, connectionString)];
            foreach (var p in populations)
            {
                p.SeedSeconds = await PostgresSeed.SeedAsync(p.Store, p.ConnectionString, p.Devices, settings.Parameters, p.Label, settings.Reuse, cancellationToken).ConfigureAwait(false);
                await PostgresSeed.SeedEventsAsync(p.ConnectionString, settings.Events, p.Label, cancellationToken).ConfigureAwait(false);
                (p.ParameterBytes, p.DatabaseBytes) = await SizeAsync(p.ConnectionString, cancellationToken).ConfigureAwait(false);
            }

            var cpu = settings.PostgresData is { } folder ? PostgresCpu.Of(folder) : null;
            var paths = PostgresSeed.Paths(settings.Parameters).Take(InformParameters).ToArray();
            var turn = TimeSpan.FromSeconds(settings.DurationSeconds) / Math.Max(1, settings.Rounds);

            // An uncounted pass each (the JIT, the pools, and PostgreSQL's cache: after a restart a reused million-device
            // store needs half a minute to fill shared_buffers), then the turns: small, large, small, large, …
            foreach (var p in populations)
            {
                await SessionsAsync(p, paths, settings.Concurrency, TimeSpan.FromSeconds(settings.WarmupSeconds), cancellationToken).ConfigureAwait(false);
            }

            foreach (var p in populations)
            {
                p.Uncopied = 0;
            }

            var statistics = populations.ToDictionary(p => p.Label, p => NpgsqlDataSource.Create(p.ConnectionString));
            try
            {
                await TurnsAsync(settings, populations, cpu, paths, turn, statistics, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (var source in statistics.Values)
                {
                    await source.DisposeAsync().ConfigureAwait(false);
                }
            }

            Print(settings, populations, cpu is not null);
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            if (settings.Keys is null)
            {
                Directory.Delete(keys, recursive: true);
            }
        }
    }

    // The turns: small, large, small, large, …, each with the cluster's CPU and activity (WAL, reads) around it.
    private static async Task TurnsAsync(Settings settings, Population[] populations, PostgresCpu? cpu, string[] paths, TimeSpan turn, Dictionary<string, NpgsqlDataSource> statistics, CancellationToken cancellationToken)
    {
        for (var round = 0; round < Math.Max(1, settings.Rounds); round++)
        {
            foreach (var p in populations)
            {
                var activityBefore = await PostgresActivity.ReadAsync(statistics[p.Label], cancellationToken).ConfigureAwait(false);
                var databaseBefore = cpu?.CpuSeconds ?? 0;
                var client = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
                var clock = Stopwatch.StartNew();
                var sessions = await SessionsAsync(p, paths, settings.Concurrency, turn, cancellationToken).ConfigureAwait(false);
                var seconds = clock.Elapsed.TotalSeconds;
                var usedDatabase = (cpu?.CpuSeconds ?? 0) - databaseBefore;
                p.Sessions += sessions;
                p.Seconds += seconds;
                p.DatabaseCpu += usedDatabase;
                p.ClientCpu += Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - client;
                var activity = await PostgresActivity.ReadAsync(statistics[p.Label], cancellationToken).ConfigureAwait(false) - activityBefore;
                p.Activity += activity;
                var database = cpu is null ? string.Empty : $", PostgreSQL {usedDatabase * 1000 / Math.Max(1, sessions):0.00} CPU-ms/session";
                AnsiConsole.MarkupLineInterpolated($"round {round + 1}/{settings.Rounds}, {p.Label}: {sessions / seconds:0} sessions/s{database}; {activity.PerSession(sessions)}");
            }
        }
    }

    // Closed loop: CONCURRENCY sessions in flight, each of a device picked at random across the population.
    private static async Task<long> SessionsAsync(Population population, string[] paths, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        long sessions = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                if (await SessionAsync(population, PostgresSeed.DeviceOf(Random.Shared.NextInt64(population.Devices)), paths, cancellationToken).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref sessions);
                }
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return sessions;
    }

    // What the engine asks the PostgreSQL store for one periodic Inform that queues nothing (SessionEngine, DeviceLeasing,
    // OperatorTasksStep, InformFacts). False when another worker holds the device right now. The device is read before the
    // lease only when the node has no copy of it: a copy admits the device (the bench authenticates nothing), and the read
    // under the lease checks it. No task is queued, and the lease's read says so, so the session takes none (the engine
    // skips that read). It records no history event: the event history leaves out "2 PERIODIC" (EventHistoryStep),
    // which the device row's last events already show.
    private static async Task<bool> SessionAsync(Population population, DeviceId id, string[] paths, CancellationToken cancellationToken)
    {
        var (store, recent) = (population.Store, population.Recent);
        var now = DateTimeOffset.UtcNow;
        var known = recent.Find(id);
        var copied = known is not null;
        known ??= await store.GetDeviceAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"Device {id} was not seeded.");

        var holder = Guid.NewGuid().ToString("N");
        var grant = await ((ISessionLeases)store).TryAcquireAsync(id, holder, now, now.AddSeconds(30), cancellationToken).ConfigureAwait(false);
        if (!grant.Taken)
        {
            return false;
        }

        var device = grant.Device ?? known;
        if (grant.QueuedTasks != false)
        {
            await store.TakeQueuedTasksAsync(id, now, cancellationToken).ConfigureAwait(false);
        }

        var changes = new SessionChanges(device with { LastInformAt = now, LastEvents = "2 PERIODIC" }) { Known = device, LeaseHolder = holder };
        foreach (var path in paths)
        {
            changes.Parameters.Add(new CachedParameter(path, now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "string", null, null, null, now));
        }

        await store.CommitSessionAsync(changes, cancellationToken).ConfigureAwait(false);
        recent.Remember(changes.Device);
        if (!copied)
        {
            Interlocked.Increment(ref population.Uncopied);
        }

        return true;
    }

    // The small population's database beside the named one (DATABASE_small), made when missing.
    private static async Task<string> SmallDatabaseAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var name = builder.Database + "_small";
        await using (var source = NpgsqlDataSource.Create(connectionString))
        {
            if (await PostgresSeed.Scalar(source, "SELECT 1 FROM pg_database WHERE datname = $1", cancellationToken, name).ConfigureAwait(false) is null)
            {
                await using var create = source.CreateCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        builder.Database = name;
        return builder.ConnectionString;
    }

    // The cached parameters' table with its indexes and TOAST, and the whole database.
    private static async Task<(long Parameters, long Database)> SizeAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        var parameters = (long)(await PostgresSeed.Scalar(source, "SELECT pg_total_relation_size('parameters')", cancellationToken).ConfigureAwait(false))!;
        var database = (long)(await PostgresSeed.Scalar(source, "SELECT pg_database_size(current_database())", cancellationToken).ConfigureAwait(false))!;
        return (parameters, database);
    }

    private static void Print(Settings settings, Population[] populations, bool measuredDatabase)
    {
        var table = new Table().AddColumn("figure");
        foreach (var p in populations)
        {
            table.AddColumn(new TableColumn(p.Label).RightAligned());
        }

        void Row(string name, Func<Population, string> value) => table.AddRow([name, .. populations.Select(p => Markup.Escape(value(p)))]);
        double Cached(Population p) => (p.Devices + 1.0) * settings.Parameters;
        double Rate(Population p) => p.Sessions / Math.Max(p.Seconds, 1e-9);
        Row("devices × cached parameters", p => $"{p.Devices:N0} × {settings.Parameters}");
        Row("events in each device's history (at least)", _ => $"{settings.Events}");
        Row("seeded in", p => p.SeedSeconds is { } s ? $"{s:0} s" : "an earlier run (--reuse)");
        Row("parameters table (with indexes) per cached parameter", p => $"{p.ParameterBytes / Cached(p):0.0} B ({p.ParameterBytes / 1048576.0:N0} MiB)");
        Row("whole database per cached parameter", p => $"{p.DatabaseBytes / Cached(p):0.0} B ({p.DatabaseBytes / 1048576.0:N0} MiB)");
        Row($"periodic sessions/s ({settings.Concurrency} in flight, random devices)", p => $"{Rate(p):0.0}");
        Row("sessions that read the device before the lease (no copy of it on the node)", p => $"{(double)p.Uncopied / Math.Max(1, p.Sessions):P1}");
        Row("PostgreSQL CPU ms per session", p => measuredDatabase ? $"{p.DatabaseCpu * 1000 / Math.Max(1, p.Sessions):0.00}" : "not measured (--pg-data)");
        Row("bench (client) CPU ms per session", p => $"{p.ClientCpu * 1000 / Math.Max(1, p.Sessions):0.00}");
        Row("WAL per session (full-page images)", p => $"{p.Activity.WalKiB(p.Sessions):0.0} KiB ({p.Activity.FullPages(p.Sessions):0.00})");
        Row("blocks read from outside shared buffers per session", p => $"{p.Activity.Reads(p.Sessions):0.00}");
        Row("checkpoints in the turns (timed + by WAL size)", p => $"{p.Activity.TimedCheckpoints} + {p.Activity.RequestedCheckpoints}");
        var ratio = Rate(populations[1]) / Math.Max(Rate(populations[0]), 1e-9);
        table.AddRow("target: large ≥ 80 % of small (sessions/s)", string.Empty, Markup.Escape($"{ratio:P1}: {(ratio >= 0.8 ? "met" : "NOT met")}"));
        AnsiConsole.Write(table);
    }
}
