using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Storage.Postgres;
using Spectre.Console;

namespace Palisade.Bench.Postgres;

/// <summary>
/// Fills a PostgreSQL store with N devices of P cached parameters each. One template device is written through the
/// store's own session commit (the rows exactly as the server writes them: its device columns, its interned paths,
/// its parameter rows); the others are copies of it made inside PostgreSQL, a chunk of devices per statement, each
/// with its own id and its own parameter values. Nothing crosses the network per row, so a million devices take
/// minutes, not the hours a million commits would.
/// </summary>
internal static class PostgresSeed
{
    public const string Oui = "00D09E";
    public const string ProductClass = "SCALE";

    private const int Chunk = 5_000;

    public static DeviceId DeviceOf(long n) => new(Oui, ProductClass, "S" + n.ToString("D8", CultureInfo.InvariantCulture));

    /// <summary>The paths of the seeded parameters (the same for every device), as <c>store-scale</c> names them.</summary>
    public static string[] Paths(int parameters) => [.. Enumerable.Range(0, parameters).Select(i => $"Device.Scale.Object{i / 20}.Parameter{i % 20}")];

    /// <summary>
    /// Seeds devices 0 to <paramref name="devices"/> - 1 into an empty store; returns the seconds it took. With
    /// <paramref name="reuse"/>, a store that already holds exactly that seed (an earlier run's, sessions and all) is
    /// kept as it is, and null is returned.
    /// </summary>
    public static async Task<double?> SeedAsync(PostgresStore store, string connectionString, int devices, int parameters, string label, bool reuse, CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        var seeded = (long)(await Scalar(source, "SELECT count(*) FROM devices WHERE oui = $1 AND product_class = $2", cancellationToken, Oui, ProductClass).ConfigureAwait(false))!;
        if (seeded > 0)
        {
            // The template is not a seeded device (S00000000 … are).
            seeded -= 1;
            if (!reuse)
            {
                throw new InvalidOperationException($"{label}: the database holds {seeded:N0} devices of an earlier seed: give an empty database, or --reuse to measure that seed again.");
            }

            var each = (long)(await Scalar(source, "SELECT count(*) FROM parameters p JOIN devices d ON d.key = p.device WHERE d.id = $1", cancellationToken, DeviceOf(0).ToString()).ConfigureAwait(false))!;
            if (seeded != devices || each != parameters)
            {
                throw new InvalidOperationException($"{label}: --reuse needs a seed of {devices:N0} devices × {parameters} parameters; the database holds {seeded:N0} × {each}. Give the earlier run's --devices, --small and --parameters, or an empty database.");
            }

            AnsiConsole.MarkupLineInterpolated($"{label}: the earlier seed of {devices:N0} devices × {parameters} parameters is measured again");
            return null;
        }

        var clock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var template = new Device
        {
            Id = new DeviceId(Oui, ProductClass, "TEMPLATE"),
            Manufacturer = "Palisade",
            RegisteredAt = now,
            LastInformAt = now,
            LastEvents = "2 PERIODIC",
            CwmpVersion = "1.4",
            RemoteAddress = "127.0.0.1",
            Transport = "https",
            AuthMethod = AuthMethods.DigestSha256,
            DataModelRoot = "Device.",
            SoftwareVersion = "1.0.0",
            PeriodicInformInterval = 3600,
        };
        var changes = new SessionChanges(template);
        var paths = Paths(parameters);
        for (var i = 0; i < parameters; i++)
        {
            changes.Parameters.Add(new CachedParameter(paths[i], (31 + i).ToString(CultureInfo.InvariantCulture), i % 3 == 0 ? "unsignedInt" : "string", i % 2 == 0, null, null, now));
        }

        changes.Events.Add(new DeviceEvent(now, "2 PERIODIC", null, null));
        await store.CommitSessionAsync(changes, cancellationToken).ConfigureAwait(false);
        var templateKey = (long)(await Scalar(source, "SELECT key FROM devices WHERE id = $1", cancellationToken, template.Id.ToString()).ConfigureAwait(false))!;

        // Every device column the template has, but its identity: copied as the store wrote it.
        var columns = new List<string>();
        await using (var read = source.CreateCommand("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'devices' ORDER BY ordinal_position"))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                if (name is not ("key" or "id" or "serial_number"))
                {
                    columns.Add(name);
                }
            }
        }

        var copied = string.Join(", ", columns);
        var fromTemplate = string.Join(", ", columns.Select(c => "t." + c));

        // One statement per chunk: the devices, then their parameters in key and path order (the primary key's), each
        // value the template's type, writability, attributes and read time, with a value of its own.
        var sql = $"""
            WITH d AS (
                INSERT INTO devices (id, serial_number, {copied})
                SELECT '{Oui}-{ProductClass}-S' || lpad(n::text, 8, '0'), 'S' || lpad(n::text, 8, '0'), {fromTemplate}
                FROM devices t, generate_series($1::bigint, $2::bigint) AS n
                WHERE t.key = $3
                RETURNING key)
            INSERT INTO parameters (device, path, value, type, writable, notification, access_list, read_at)
            SELECT d.key, p.path, ((d.key * 31 + p.path) % 1000000007)::text, p.type, p.writable, p.notification, p.access_list, p.read_at
            FROM d CROSS JOIN (SELECT * FROM parameters WHERE device = $3) AS p
            ORDER BY d.key, p.path
            """;
        // Each parameter row references a device inserted by the same statement: checking the foreign key row by row
        // (a trigger per row) would double the seed's time. A superuser may skip it, as pg_restore's data-only loads do;
        // another user seeds with the checks.
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var replica = new NpgsqlCommand("SET session_replication_role = replica", connection);
            await replica.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            AnsiConsole.MarkupLineInterpolated($"{label}: not a superuser, the seed checks every row's foreign key (slower)");
        }

        for (long first = 0; first < devices; first += Chunk)
        {
            var last = Math.Min(devices, first + Chunk) - 1;
#pragma warning disable CA2100 // The text holds constants and the devices table's own column names; the values are parameters.
            await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
            command.CommandTimeout = 0;
            command.Parameters.Add(new NpgsqlParameter { Value = first });
            command.Parameters.Add(new NpgsqlParameter { Value = last });
            command.Parameters.Add(new NpgsqlParameter { Value = templateKey });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if ((last + 1) % 50_000 == 0 || last + 1 == devices)
            {
                var rate = (last + 1) / clock.Elapsed.TotalSeconds;
                AnsiConsole.MarkupLineInterpolated($"  {label}: {last + 1:N0} / {devices:N0} devices ({(last + 1) * (long)parameters:N0} parameters) after {clock.Elapsed.TotalSeconds:0} s, {rate:0} devices/s, ~{(devices - last - 1) / Math.Max(rate, 1):0} s to go");
            }
        }

        await using (var reset = new NpgsqlCommand("RESET session_replication_role", connection))
        {
            await reset.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // What autovacuum would do after a bulk load, done now so that it does not run during the measurement: the
        // visibility map and hint bits set, the planner's statistics current.
        var vacuum = Stopwatch.StartNew();
        await using (var command = new NpgsqlCommand("VACUUM (ANALYZE) devices, parameters, paths", connection))
        {
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        AnsiConsole.MarkupLineInterpolated($"{label}: {devices:N0} devices × {parameters} parameters seeded in {clock.Elapsed.TotalSeconds:0} s (VACUUM ANALYZE {vacuum.Elapsed.TotalSeconds:0} s of it)");
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Gives each seeded device a history of <paramref name="events"/> periodic events, a day apart, unless the first
    /// device already has that many (a reused seed). They are written a round at a time, one event per device per round,
    /// as a store that serves the fleet day after day writes them: a device's history lies on as many pages as it has
    /// events, each shared with other devices' events of that day. The table's secondary indexes are dropped for the
    /// load and built again afterwards (also when the load fails), as a bulk load does.
    /// </summary>
    public static async Task SeedEventsAsync(string connectionString, int events, string label, CancellationToken cancellationToken)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        var have = (long)(await Scalar(source, "SELECT count(*) FROM device_events e JOIN devices d ON d.key = e.device WHERE d.id = $1", cancellationToken, DeviceOf(0).ToString()).ConfigureAwait(false))!;
        if (have >= events)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        AnsiConsole.MarkupLineInterpolated($"{label}: giving each device a history of {events} events");
        await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // The indexes are built again even when the load was cancelled: without them the store would be slow, not wrong.
        Task Run(string sql, params object[] values) => RunOn(sql, cancellationToken, values);
        async Task RunOn(string sql, CancellationToken token, params object[] values)
        {
#pragma warning disable CA2100 // Constants, and the table's own index definitions read from pg_indexes; the values are parameters.
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
#pragma warning restore CA2100
            foreach (var value in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }

        try
        {
            await Run("SET session_replication_role = replica").ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            AnsiConsole.MarkupLineInterpolated($"{label}: not a superuser, the events' load checks every row's foreign key (slower)");
        }

        await Run("SET maintenance_work_mem = '1GB'").ConfigureAwait(false);
        await Run("DELETE FROM device_events e USING devices d WHERE d.key = e.device AND d.oui = $1 AND d.product_class = $2", Oui, ProductClass).ConfigureAwait(false);
        var indexes = new List<(string Name, string Definition)>();
        await using (var read = new NpgsqlCommand("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'device_events' AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'device_events'::regclass)", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            await Run($"DROP INDEX \"{name}\"").ConfigureAwait(false);
        }

        try
        {
            var day = TimeSpan.FromDays(1).Ticks / TimeSpan.TicksPerMillisecond;
            var newest = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - day;
            for (var round = 0; round < events; round++)
            {
                await Run(
                    "INSERT INTO device_events (device, at, code) SELECT key, $3, '4 VALUE CHANGE' FROM devices WHERE oui = $1 AND product_class = $2 AND serial_number <> 'TEMPLATE' ORDER BY key",
                    Oui, ProductClass, newest - (events - 1 - round) * day).ConfigureAwait(false);
                if ((round + 1) % 10 == 0 || round + 1 == events)
                {
                    var rate = (round + 1) / clock.Elapsed.TotalSeconds;
                    AnsiConsole.MarkupLineInterpolated($"  {label}: {round + 1} / {events} events per device after {clock.Elapsed.TotalSeconds:0} s, ~{(events - round - 1) / Math.Max(rate, 1e-9):0} s to go");
                }
            }
        }
        finally
        {
            foreach (var (name, definition) in indexes)
            {
                AnsiConsole.MarkupLineInterpolated($"  {label}: building the index {name} again");
                await RunOn(definition, CancellationToken.None).ConfigureAwait(false);
            }

            await RunOn("RESET session_replication_role", CancellationToken.None).ConfigureAwait(false);
        }

        await Run("VACUUM (ANALYZE) device_events").ConfigureAwait(false);
        AnsiConsole.MarkupLineInterpolated($"{label}: {events} events per device in {clock.Elapsed.TotalSeconds:0} s");
    }

    public static async Task<object?> Scalar(NpgsqlDataSource source, string sql, CancellationToken cancellationToken, params object[] values)
    {
        await using var command = source.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
