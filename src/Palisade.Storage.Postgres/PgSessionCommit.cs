using Npgsql;
using NpgsqlTypes;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The statements of a session's commit after its device row, as one batch. Each names the device by its id ($1) and
/// finds its key itself, so the batch needs no answer from the device row's statement before it is sent: the device
/// update and everything else go in one round trip. A device deleted meanwhile has no key, and then none of them
/// writes anything.
/// </summary>
internal static class PgSessionCommit
{
    private const string Key = "(SELECT key FROM devices WHERE id = $1)";

    /// <summary>
    /// Interns the paths ($1) not yet in the table, in path order (two statements meeting the same new paths wait for
    /// each other in the same order, never in a cycle; no identity number is spent on a path already there), and returns
    /// the number of every path: those it inserted, and those committed before it started. A path another transaction
    /// inserts meanwhile is in neither: it is found by the next statement.
    /// </summary>
    public const string InternPaths = """
        WITH new AS (
            INSERT INTO paths (path)
            SELECT n.path FROM unnest($1::text[]) AS n(path)
            WHERE NOT EXISTS (SELECT 1 FROM paths p WHERE p.path = n.path)
            ORDER BY n.path
            ON CONFLICT (path) DO NOTHING
            RETURNING path, id)
        SELECT path, id FROM new
        UNION ALL
        SELECT p.path, p.id FROM paths p WHERE p.path = ANY ($1::text[])
        """;

    // The parameters by their paths' numbers ($2), so that no path is looked up by its text. One upsert with the fewest
    // plan nodes: PostgreSQL sets up every node of a statement each time it runs, and that setup cost more than the
    // row locks an update of the existing rows first would save (measured with pgbench). A field the session did not
    // learn (null) keeps what the store had.
    private const string UpsertParameters = """
        INSERT INTO parameters AS x (device, path, value, type, writable, notification, access_list, read_at)
        SELECT d.key, u.path, u.value, u.type, u.writable, u.notification, u.access_list, u.read_at
        FROM devices d
        CROSS JOIN unnest($2::bigint[], $3::text[], $4::text[], $5::boolean[], $6::integer[], $7::text[], $8::bigint[])
            AS u(path, value, type, writable, notification, access_list, read_at)
        WHERE d.id = $1
        ON CONFLICT (device, path) DO UPDATE SET
            value = coalesce(excluded.value, x.value),
            type = coalesce(excluded.type, x.type),
            writable = coalesce(excluded.writable, x.writable),
            notification = coalesce(excluded.notification, x.notification),
            access_list = coalesce(excluded.access_list, x.access_list),
            read_at = coalesce(excluded.read_at, x.read_at)
        """;

    private const string RemoveSubtree = $"""
        DELETE FROM parameters x USING paths p
        WHERE x.device = {Key} AND p.id = x.path AND p.path >= $2 AND ($3::text IS NULL OR p.path < $3)
        """;

    // Cached paths under a fully listed prefix that the listing does not name are gone from the device.
    private const string PruneListing = $"""
        DELETE FROM parameters x USING paths p
        WHERE x.device = {Key} AND p.id = x.path AND p.path >= $2 AND ($3::text IS NULL OR p.path < $3) AND NOT (p.path = ANY ($4::text[]))
        """;

    /// <summary>Records a task's outcome; touches no row when the task is not the device's ($1 device id, then $2…$8).</summary>
    public const string UpdateTask = $"""
        UPDATE tasks SET status = $2, result = $3, fault_code = $4, fault_string = $5, fault_detail = $6,
            attempts = greatest(0, attempts + $7), updated_at = $8
        WHERE id = $9 AND device = {Key}
        """;

    private const string AddTag = "INSERT INTO tags (tag, device) SELECT $2, key FROM devices WHERE id = $1 ON CONFLICT DO NOTHING";

    private const string RemoveTag = $"DELETE FROM tags WHERE tag = $2 AND device = {Key}";

    private const string InsertTask = "INSERT INTO tasks (device, name, payload, status, created_at, expires_at) SELECT key, $2, $3, 0, $4, $5 FROM devices WHERE id = $1";

    private const string InsertEvents = """
        INSERT INTO device_events (device, at, code, command_key, detail)
        SELECT d.key, e.at, e.code, e.command_key, e.detail
        FROM devices d
        CROSS JOIN unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e(at, code, command_key, detail, n)
        WHERE d.id = $1
        ORDER BY e.n
        """;

    /// <summary>Keeps the newest $2 + 1 events of the device whose id is $1 (one statement, after the session's own are added).</summary>
    private const string TrimEvents = $"""
        DELETE FROM device_events WHERE device = {Key}
            AND id < (SELECT id FROM device_events WHERE device = {Key} ORDER BY id DESC LIMIT 1 OFFSET $2)
        """;

    /// <summary>
    /// Adds everything of <paramref name="changes"/> but the device row to <paramref name="batch"/>, in this order: the
    /// lease's release, removed and listed subtrees, the parameters (<paramref name="parameters"/>, merged by path, whose
    /// paths are numbered <paramref name="pathIds"/>), task outcomes (their commands are returned, to check that each
    /// touched its one row), tags, new tasks, events.
    /// </summary>
    public static List<(NpgsqlBatchCommand Command, long TaskId)> Add(NpgsqlBatch batch, SessionChanges changes, List<CachedParameter> parameters, long[] pathIds)
    {
        var id = changes.Device.Id.ToString();
        if (changes.LeaseHolder is { } holder)
        {
            // The session's lease goes with its commit: the next session, on any node, takes it and reads all of this.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSessionLeases.Release).With(Parameters.Text(id), Parameters.Text(holder)));
        }

        foreach (var prefix in changes.RemovedSubtrees)
        {
            var (from, to) = PostgresDatabase.PrefixRange(prefix);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(RemoveSubtree).With(Parameters.Text(id), Parameters.Text(from), Parameters.Text(to)));
        }

        foreach (var listing in changes.ListedSubtrees)
        {
            var (from, to) = PostgresDatabase.PrefixRange(listing.Prefix);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(PruneListing).With(
                Parameters.Text(id), Parameters.Text(from), Parameters.Text(to), Parameters.Array(NpgsqlDbType.Text, listing.Names.ToArray())));
        }

        AddParameters(batch, id, parameters, pathIds);
        var taskUpdates = new List<(NpgsqlBatchCommand Command, long TaskId)>(changes.Tasks.Count);
        foreach (var update in changes.Tasks)
        {
            var command = new NpgsqlBatchCommand(UpdateTask).With(
                Parameters.Text(id), Parameters.Int((int)update.Status), Parameters.Text(update.Result), Parameters.Int(update.Fault?.Code),
                Parameters.Text(update.Fault?.Message), Parameters.Text(update.Fault?.Detail), Parameters.Int(update.AttemptDelta),
                Parameters.Time(DateTimeOffset.UtcNow), Parameters.Long(update.TaskId));
            batch.BatchCommands.Add(command);
            taskUpdates.Add((command, update.TaskId));
        }

        foreach (var change in changes.Tags)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(change.Present ? AddTag : RemoveTag).With(Parameters.Text(id), Parameters.Text(change.Tag)));
        }

        foreach (var task in changes.NewTasks)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(InsertTask).With(
                Parameters.Text(id), Parameters.Text(task.Name), Parameters.Text(task.Payload), Parameters.Time(task.CreatedAt), Parameters.Time(task.ExpiresAt)));
        }

        AddEvents(batch, id, changes.Events);
        return taskUpdates;
    }

    private static void AddParameters(NpgsqlBatch batch, string id, List<CachedParameter> parameters, long[] pathIds)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        var values = new string?[parameters.Count];
        var types = new string?[parameters.Count];
        var writable = new bool?[parameters.Count];
        var notification = new int?[parameters.Count];
        var accessList = new string?[parameters.Count];
        var readAt = new long?[parameters.Count];
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            values[i] = p.Value;
            types[i] = p.Type;
            writable[i] = p.Writable;
            notification[i] = p.Notification;
            accessList[i] = p.AccessList;
            readAt[i] = p.ReadAt?.ToUnixTimeMilliseconds();
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(UpsertParameters).With(
            Parameters.Text(id),
            Parameters.Array(NpgsqlDbType.Bigint, pathIds),
            Parameters.Array(NpgsqlDbType.Text, values),
            Parameters.Array(NpgsqlDbType.Text, types),
            Parameters.Array(NpgsqlDbType.Boolean, writable),
            Parameters.Array(NpgsqlDbType.Integer, notification),
            Parameters.Array(NpgsqlDbType.Text, accessList),
            Parameters.Array(NpgsqlDbType.Bigint, readAt)));
    }

    private static void AddEvents(NpgsqlBatch batch, string id, List<DeviceEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var kept = events.TakeLast(DeviceEvent.MaxPerDevice).ToList();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(InsertEvents).With(
            Parameters.Text(id),
            Parameters.Array(NpgsqlDbType.Bigint, kept.Select(e => e.At.ToUnixTimeMilliseconds()).ToArray()),
            Parameters.Array(NpgsqlDbType.Text, kept.Select(e => e.Code).ToArray()),
            Parameters.Array(NpgsqlDbType.Text, kept.Select(e => e.CommandKey).ToArray()),
            Parameters.Array(NpgsqlDbType.Text, kept.Select(e => e.Detail).ToArray())));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(TrimEvents).With(Parameters.Text(id), Parameters.Int(DeviceEvent.MaxPerDevice - 1)));
    }
}
