using Npgsql;
using NpgsqlTypes;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using static Palisade.Storage.Postgres.PgTaskRows;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>
/// What the session engine needs: the device, its queued tasks, and the atomic commit of one session's changes. A
/// commit is one transaction of three round trips: the device row, then everything else in one batch (the parameters
/// as arrays, unnested into one upsert), then the commit. Sessions of different devices commit side by side; nodes
/// need no coordination beyond PostgreSQL's row locks.
/// </summary>
internal sealed class PostgresSessionStore(PostgresDatabase db, PostgresDeviceRegistry devices, PostgresTaskStore tasks) : ISessionStore
{
    // New paths are interned first, in path order (two sessions meeting the same new paths wait for each other in the
    // same order, never in a cycle); only paths not yet known are inserted, so no identity number is spent on the rest.
    private const string InternPaths = """
        INSERT INTO paths (path)
        SELECT n.path FROM unnest($1::text[]) AS n(path)
        WHERE NOT EXISTS (SELECT 1 FROM paths p WHERE p.path = n.path)
        ORDER BY n.path
        ON CONFLICT (path) DO NOTHING
        """;

    // A field the session did not learn (null) keeps what the store had.
    private const string UpsertParameters = """
        INSERT INTO parameters (device, path, value, type, writable, notification, access_list, read_at)
        SELECT $1, p.id, u.value, u.type, u.writable, u.notification, u.access_list, u.read_at
        FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::integer[], $7::text[], $8::bigint[])
            AS u(path, value, type, writable, notification, access_list, read_at)
        JOIN paths p ON p.path = u.path
        ON CONFLICT (device, path) DO UPDATE SET
            value = coalesce(excluded.value, parameters.value),
            type = coalesce(excluded.type, parameters.type),
            writable = coalesce(excluded.writable, parameters.writable),
            notification = coalesce(excluded.notification, parameters.notification),
            access_list = coalesce(excluded.access_list, parameters.access_list),
            read_at = coalesce(excluded.read_at, parameters.read_at)
        """;

    private const string RemoveSubtree = """
        DELETE FROM parameters x USING paths p
        WHERE x.device = $1 AND p.id = x.path AND p.path >= $2 AND ($3::text IS NULL OR p.path < $3)
        """;

    // Cached paths under a fully listed prefix that the listing does not name are gone from the device.
    private const string PruneListing = """
        DELETE FROM parameters x USING paths p
        WHERE x.device = $1 AND p.id = x.path AND p.path >= $2 AND ($3::text IS NULL OR p.path < $3) AND NOT (p.path = ANY ($4::text[]))
        """;

    private const string UpdateTask = """
        UPDATE tasks SET status = $1, result = $2, fault_code = $3, fault_string = $4, fault_detail = $5,
            attempts = greatest(0, attempts + $6), updated_at = $7
        WHERE id = $8 AND device = $9
        """;

    private const string InsertEvents = """
        INSERT INTO device_events (device, at, code, command_key, detail)
        SELECT $1, e.at, e.code, e.command_key, e.detail
        FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS e(at, code, command_key, detail, n)
        ORDER BY e.n
        """;

    private const string TrimEvents = "DELETE FROM device_events WHERE device = $1 AND id < (SELECT id FROM device_events WHERE device = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)";

    /// <inheritdoc />
    public Task<Device?> GetDeviceAsync(DeviceId id, CancellationToken cancellationToken) => devices.GetDeviceAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<DeviceTask?> GetTaskAsync(long taskId, CancellationToken cancellationToken) => tasks.GetTaskAsync(taskId, cancellationToken);

    /// <inheritdoc />
    public Task<bool> IsBlockedAsync(DeviceId id, CancellationToken cancellationToken) => devices.IsBlockedAsync(id, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeviceTask>> TakeQueuedTasksAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);

        // Most sessions have nothing queued: find that out with a read, not a write transaction.
        var any = await db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, "SELECT EXISTS (SELECT 1 FROM tasks t JOIN devices d ON d.key = t.device WHERE d.id = $1 AND t.status = 0)")
                .With(Parameters.Text(id.ToString()));
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);
        if (!any)
        {
            return [];
        }

        return await db.WriteAsync<IReadOnlyList<DeviceTask>>(async (connection, transaction) =>
        {
            var key = await DeviceKeyAsync(connection, transaction, id.ToString(), cancellationToken).ConfigureAwait(false);
            if (key is null)
            {
                return [];
            }

            await using (var expire = Command(connection, transaction, "UPDATE tasks SET status = 4, updated_at = $1 WHERE device = $2 AND status = 0 AND expires_at IS NOT NULL AND expires_at <= $1")
                .With(Parameters.Time(now), Parameters.Long(key)))
            {
                await expire.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // Counted when taken, in this transaction: a task whose session never commits is still counted.
            await using var take = Command(connection, transaction, $"""
                WITH taken AS (UPDATE tasks SET attempts = attempts + 1 WHERE device = $1 AND status = 0 RETURNING *)
                SELECT {TaskColumns} FROM taken t JOIN devices d ON d.key = t.device ORDER BY t.id
                """).With(Parameters.Long(key));
            return await ReadTasksAsync(take, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task CommitSessionAsync(SessionChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return db.WriteAsync(async (connection, transaction) =>
        {
            var key = await WriteDeviceAsync(connection, transaction, changes, cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, transaction);
            if (changes.LeaseHolder is { } holder)
            {
                // The session's lease goes with its commit: the next session, on any node, takes it and reads all of this.
                batch.BatchCommands.Add(new NpgsqlBatchCommand(PostgresSessionLeases.Release).With(Parameters.Text(changes.Device.Id.ToString()), Parameters.Text(holder)));
            }

            if (key is null)
            {
                // Deleted while the session ran: the operator's delete stands, and nothing of the session is kept.
                if (batch.BatchCommands.Count > 0)
                {
                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return false;
            }

            Add(batch, changes, key.Value);
            var taskUpdates = new List<(NpgsqlBatchCommand Command, long TaskId)>();
            foreach (var update in changes.Tasks)
            {
                var command = new NpgsqlBatchCommand(UpdateTask).With(
                    Parameters.Int((int)update.Status), Parameters.Text(update.Result), Parameters.Int(update.Fault?.Code),
                    Parameters.Text(update.Fault?.Message), Parameters.Text(update.Fault?.Detail), Parameters.Int(update.AttemptDelta),
                    Parameters.Time(DateTimeOffset.UtcNow), Parameters.Long(update.TaskId), Parameters.Long(key));
                batch.BatchCommands.Add(command);
                taskUpdates.Add((command, update.TaskId));
            }

            foreach (var change in changes.Tags)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(change.Present
                    ? "INSERT INTO tags (tag, device) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                    : "DELETE FROM tags WHERE tag = $1 AND device = $2").With(Parameters.Text(change.Tag), Parameters.Long(key)));
            }

            foreach (var task in changes.NewTasks)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(Insert).With(InsertParameters(key.Value, task)));
            }

            AddEvents(batch, changes.Events, key.Value);
            if (changes.Tasks.Where(t => t.Status != DeviceTaskStatus.Queued).Select(t => t.TaskId).ToList() is { Count: > 0 } finished)
            {
                // Delivered to every node's waiters when this transaction commits (and never if it rolls back).
                batch.BatchCommands.Add(db.Notifications.Notify(finished));
            }

            if (batch.BatchCommands.Count == 0)
            {
                return true;
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (command, taskId) in taskUpdates)
            {
                if (command.RecordsAffected != 1)
                {
                    throw new StoreException(StoreErrorReason.Rejected, $"Task {taskId} does not belong to the session's device; the session was not committed.");
                }
            }

            return true;
        }, cancellationToken);
    }

    // A device the session found stored is updated (its key, or null when it was deleted meanwhile); a new one is
    // inserted unless its id is blocked.
    private async Task<long?> WriteDeviceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, SessionChanges changes, CancellationToken cancellationToken)
    {
        if (changes.Known is null)
        {
            await using var blocked = Command(connection, transaction, "SELECT EXISTS (SELECT 1 FROM blocked_devices WHERE id = $1)").With(Parameters.Text(changes.Device.Id.ToString()));
            if ((bool)(await blocked.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                throw new StoreException(StoreErrorReason.Rejected, $"Device '{changes.Device.Id}' is blocked; the session was not committed.");
            }
        }

        var parameters = PgDeviceRow.Bind(changes.Device, db.Secrets);
        await using var command = Command(connection, transaction, changes.Known is null ? PgDeviceRow.Upsert : PgDeviceRow.Update).With(parameters);
        if (changes.Known is { } known)
        {
            command.Parameters.Add(Parameters.Bool(!known.Credentials.Equals(changes.Device.Credentials)));
        }

        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
    }

    private static void Add(NpgsqlBatch batch, SessionChanges changes, long key)
    {
        foreach (var prefix in changes.RemovedSubtrees)
        {
            var (from, to) = PrefixRange(prefix);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(RemoveSubtree).With(Parameters.Long(key), Parameters.Text(from), Parameters.Text(to)));
        }

        foreach (var listing in changes.ListedSubtrees)
        {
            var (from, to) = PrefixRange(listing.Prefix);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(PruneListing).With(
                Parameters.Long(key), Parameters.Text(from), Parameters.Text(to), Parameters.Array(NpgsqlDbType.Text, listing.Names.ToArray())));
        }

        if (changes.Parameters.Count == 0)
        {
            return;
        }

        var merged = MergedByPath(changes.Parameters);
        var paths = merged.Select(p => p.Path).ToArray();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(InternPaths).With(Parameters.Array(NpgsqlDbType.Text, paths)));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(UpsertParameters).With(
            Parameters.Long(key),
            Parameters.Array(NpgsqlDbType.Text, paths),
            Parameters.Array(NpgsqlDbType.Text, merged.Select(p => p.Value).ToArray()),
            Parameters.Array(NpgsqlDbType.Text, merged.Select(p => p.Type).ToArray()),
            Parameters.Array(NpgsqlDbType.Boolean, merged.Select(p => p.Writable).ToArray()),
            Parameters.Array(NpgsqlDbType.Integer, merged.Select(p => p.Notification).ToArray()),
            Parameters.Array(NpgsqlDbType.Text, merged.Select(p => p.AccessList).ToArray()),
            Parameters.Array(NpgsqlDbType.Bigint, merged.Select(p => p.ReadAt?.ToUnixTimeMilliseconds()).ToArray())));
    }

    private static void AddEvents(NpgsqlBatch batch, List<DeviceEvent> events, long key)
    {
        if (events.Count == 0)
        {
            return;
        }

        var kept = events.TakeLast(DeviceEvent.MaxPerDevice).ToList();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(InsertEvents).With(
            Parameters.Long(key),
            Parameters.Array(NpgsqlDbType.Bigint, kept.Select(e => e.At.ToUnixTimeMilliseconds()).ToArray()),
            Parameters.Array(NpgsqlDbType.Text, kept.Select(e => e.Code).ToArray()),
            Parameters.Array(NpgsqlDbType.Text, kept.Select(e => e.CommandKey).ToArray()),
            Parameters.Array(NpgsqlDbType.Text, kept.Select(e => e.Detail).ToArray())));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(TrimEvents).With(Parameters.Long(key), Parameters.Int(DeviceEvent.MaxPerDevice - 1)));
    }

    // One upsert may not touch a row twice: a session that lists names and then reads values holds each path twice,
    // merged here as successive upserts would merge them (a later field that is set wins).
    internal static List<CachedParameter> MergedByPath(List<CachedParameter> parameters)
    {
        var at = new Dictionary<string, int>(parameters.Count, StringComparer.Ordinal);
        var merged = new List<CachedParameter>(parameters.Count);
        foreach (var p in parameters)
        {
            if (at.TryGetValue(p.Path, out var i))
            {
                var earlier = merged[i];
                merged[i] = new CachedParameter(p.Path, p.Value ?? earlier.Value, p.Type ?? earlier.Type, p.Writable ?? earlier.Writable,
                    p.Notification ?? earlier.Notification, p.AccessList ?? earlier.AccessList, p.ReadAt ?? earlier.ReadAt);
            }
            else
            {
                at.Add(p.Path, merged.Count);
                merged.Add(p);
            }
        }

        return merged;
    }
}
