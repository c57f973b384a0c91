using Npgsql;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using static Palisade.Storage.Postgres.PgTaskRows;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>
/// What the session engine needs: the device, its queued tasks, and the atomic commit of one session's changes. A
/// commit is one batch of statements (<see cref="PgSessionCommit"/>: the device row, the lease's release, the parameters
/// as arrays unnested into one upsert, …) in one transaction: one round trip for a session without task outcomes, two
/// with them (checked before COMMIT). Sessions of different devices commit side by side; nodes need no coordination
/// beyond PostgreSQL's row locks.
/// </summary>
internal sealed class PostgresSessionStore(PostgresDatabase db, PostgresDeviceRegistry devices, PostgresTaskStore tasks) : ISessionStore
{
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
            await using var command = Command(connection, null, PostgresSessionLeases.QueuedTasks)
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
    public async Task CommitSessionAsync(SessionChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);

        // One upsert may not touch a row twice: a path held twice in the session is merged first.
        var parameters = CachedParameter.MergeByPath(changes.Parameters);
        var pathIds = await PathIdsAsync(parameters, cancellationToken).ConfigureAwait(false);
        if (changes.Known is null)
        {
            await CommitFirstContactAsync(changes, parameters, pathIds, cancellationToken).ConfigureAwait(false);
        }
        else if (changes.Tasks.Count == 0)
        {
            // The periodic session: the device row, the lease's release and everything learned, one implicit transaction
            // (all of it or none), sent in one round trip with the other sessions' committing at the same moment.
            await using var batch = new NpgsqlBatch();
            UpdateDevice(batch, changes);
            PgSessionCommit.Add(batch, changes, parameters, pathIds);
            await db.WriteGroupedAsync([.. (IEnumerable<NpgsqlBatchCommand>)batch.BatchCommands], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await CommitWithTasksAsync(changes, parameters, pathIds, cancellationToken).ConfigureAwait(false);
        }
    }

    // The numbers of the parameters' paths: those this node has seen committed, or else all of them, read after interning
    // the new ones in a statement that commits on its own (a path row holds nothing but the name, so one interned for a
    // session that is then rejected does no harm). A path another node interns at the same moment is found on a second try.
    private async Task<long[]> PathIdsAsync(List<CachedParameter> parameters, CancellationToken cancellationToken)
    {
        var ids = new long[parameters.Count];
        var paths = parameters.Select(p => p.Path).ToArray();
        for (var attempt = 0; !db.Paths.TryGetIds(paths, ids); attempt++)
        {
            var found = await db.WriteStatementsAsync(async connection =>
            {
                await using var command = Command(connection, null, PgSessionCommit.InternPaths).With(Parameters.Array(NpgsqlTypes.NpgsqlDbType.Text, paths));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var rows = new Dictionary<string, long>(paths.Length, StringComparer.Ordinal);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows[reader.GetString(0)] = reader.GetInt64(1);
                }

                // Read to its end: the statement has committed, and its numbers are for good.
                await reader.CloseAsync().ConfigureAwait(false);
                return rows;
            }, cancellationToken).ConfigureAwait(false);
            if (found.Count == paths.Length)
            {
                for (var i = 0; i < paths.Length; i++)
                {
                    ids[i] = found[paths[i]];
                    db.Paths.Remember(paths[i], ids[i]);
                }

                break;
            }

            if (attempt == 2)
            {
                throw new StoreException(StoreErrorReason.Unavailable, "The parameters' paths could not be interned: others kept inserting them. Try again.");
            }
        }

        return ids;
    }

    // Task outcomes are checked before the commit (each must have touched its one row): the same batch in a transaction,
    // then COMMIT (two round trips; BEGIN goes with the batch).
    private Task<bool> CommitWithTasksAsync(SessionChanges changes, List<CachedParameter> parameters, long[] pathIds, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            var device = UpdateDevice(batch, changes);
            var taskUpdates = PgSessionCommit.Add(batch, changes, parameters, pathIds);
            NotifyFinished(batch, changes);

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (device.RecordsAffected != 1)
            {
                // Deleted while the session ran: the operator's delete stands, and nothing of the session is kept (the
                // statements found no key and wrote nothing; the lease is given back).
                return false;
            }

            CheckTasks(taskUpdates);
            return true;
        }, cancellationToken);

    // A device first seen in this session: inserted unless its id is blocked, then the rest in one batch.
    private Task<bool> CommitFirstContactAsync(SessionChanges changes, List<CachedParameter> parameters, long[] pathIds, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using (var blocked = Command(connection, transaction, "SELECT EXISTS (SELECT 1 FROM blocked_devices WHERE id = $1)").With(Parameters.Text(changes.Device.Id.ToString())))
            {
                if ((bool)(await blocked.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    throw new StoreException(StoreErrorReason.Rejected, $"Device '{changes.Device.Id}' is blocked; the session was not committed.");
                }
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(PgDeviceRow.Upsert).With(PgDeviceRow.Bind(changes.Device, db.Secrets)));
            var taskUpdates = PgSessionCommit.Add(batch, changes, parameters, pathIds);
            NotifyFinished(batch, changes);

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            CheckTasks(taskUpdates);
            return true;
        }, cancellationToken);

    // A device the session found stored is updated, never inserted again (deleted meanwhile: no row, and the statements
    // after it find no key). The credentials are written only when the session changed them ($33).
    private NpgsqlBatchCommand UpdateDevice(NpgsqlBatch batch, SessionChanges changes)
    {
        var command = new NpgsqlBatchCommand(PgDeviceRow.Update).With(PgDeviceRow.Bind(changes.Device, db.Secrets));
        command.Parameters.Add(Parameters.Bool(!changes.Known!.Credentials.Equals(changes.Device.Credentials)));
        batch.BatchCommands.Add(command);
        return command;
    }

    // Tells every node's waiters which tasks the session finished, when its transaction commits (never if it rolls back).
    private void NotifyFinished(NpgsqlBatch batch, SessionChanges changes)
    {
        if (changes.Tasks.Where(t => t.Status != DeviceTaskStatus.Queued).Select(t => t.TaskId).ToList() is { Count: > 0 } finished)
        {
            batch.BatchCommands.Add(db.Notifications.Notify(finished));
        }
    }

    private static void CheckTasks(List<(NpgsqlBatchCommand Command, long TaskId)> taskUpdates)
    {
        foreach (var (command, taskId) in taskUpdates)
        {
            if (command.RecordsAffected != 1)
            {
                throw new StoreException(StoreErrorReason.Rejected, $"Task {taskId} does not belong to the session's device; the session was not committed.");
            }
        }
    }
}
