using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using static Palisade.Storage.Sqlite.SqliteDatabase;
using static Palisade.Storage.Sqlite.TaskRows;

namespace Palisade.Storage.Sqlite;

/// <summary>What the session engine needs: the device, its queued tasks, and the atomic commit of one session's changes.</summary>
internal sealed class SqliteSessionStore(SqliteDatabase db, SqliteDeviceRegistry devices, SqliteTaskStore tasks) : ISessionStore
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
        // Most sessions have nothing queued: find that out with a read, not a write transaction.
        var any = await db.ReadAsync(connection =>
        {
            var statement = connection.Raw("SELECT EXISTS (SELECT 1 FROM tasks t JOIN devices d ON d.rowid = t.device WHERE d.id = ?1 AND t.status = ?2)");
            try
            {
                statement.Bind(1, id.ToString());
                statement.Bind(2, (long)DeviceTaskStatus.Queued);
                return statement.Step() && statement.Int64(0) == 1;
            }
            finally
            {
                statement.Reset();
            }
        }, cancellationToken).ConfigureAwait(false);
        return any ? await TakeQueuedTasksLockedAsync(id, now, cancellationToken).ConfigureAwait(false) : [];
    }

    private Task<IReadOnlyList<DeviceTask>> TakeQueuedTasksLockedAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync<IReadOnlyList<DeviceTask>>(transaction =>
        {
            var rowid = DeviceRowId(transaction, id);
            if (rowid is null)
            {
                return [];
            }

            using (var expire = Command(transaction, "UPDATE tasks SET status = $expired, updated_at = $now WHERE device = $device AND status = $queued AND expires_at IS NOT NULL AND expires_at <= $now"))
            {
                expire.Parameters.AddWithValue("$expired", (int)DeviceTaskStatus.Expired);
                expire.Parameters.AddWithValue("$queued", (int)DeviceTaskStatus.Queued);
                expire.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                expire.Parameters.AddWithValue("$device", rowid.Value);
                expire.ExecuteNonQuery();
            }

            // Counted when taken, in this transaction: a task whose session never commits (the ACS stops, or the device's
            // answer cannot be stored) is still counted, so it cannot come back forever.
            using (var attempt = Command(transaction, "UPDATE tasks SET attempts = attempts + 1 WHERE device = $device AND status = $queued"))
            {
                attempt.Parameters.AddWithValue("$queued", (int)DeviceTaskStatus.Queued);
                attempt.Parameters.AddWithValue("$device", rowid.Value);
                attempt.ExecuteNonQuery();
            }

            using var select = Command(transaction, $"SELECT {TaskColumns} FROM tasks t JOIN devices d ON d.rowid = t.device WHERE t.device = $device AND t.status = $queued ORDER BY t.id");
            select.Parameters.AddWithValue("$device", rowid.Value);
            select.Parameters.AddWithValue("$queued", (int)DeviceTaskStatus.Queued);
            return ReadTasks(select);
        }, cancellationToken);

    private const string UpsertParameter = """
        INSERT INTO parameters (device, path, value, type, writable, notification, access_list, read_at)
        VALUES ($device, $path, $value, $type, $writable, $notification, $access_list, $read_at)
        ON CONFLICT (device, path) DO UPDATE SET
            value = coalesce(excluded.value, value),
            type = coalesce(excluded.type, type),
            writable = coalesce(excluded.writable, writable),
            notification = coalesce(excluded.notification, notification),
            access_list = coalesce(excluded.access_list, access_list),
            read_at = coalesce(excluded.read_at, read_at)
        """;

    /// <summary>
    /// Commits one session's changes, atomically: all of them or none. Sessions that end together share one
    /// transaction (group commit), each in its own savepoint: a session whose write fails is rolled back to its
    /// savepoint and told so, the others commit. The first caller to find no commit running leads: it takes the
    /// write lock and commits what is queued, in arrival order, until its own session is done; if more are
    /// queued then, the oldest waiter leads next, so no session waits behind an endless stream of others.
    /// </summary>
    public async Task CommitSessionAsync(SessionChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        var started = StoreMetrics.Start();
        try
        {
            await CommitGroupedAsync(changes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StoreMetrics.Record(started, "sqlite", nameof(CommitSessionAsync));
        }
    }

    private async Task CommitGroupedAsync(SessionChanges changes, CancellationToken cancellationToken)
    {
        var commit = new PendingCommit(changes, cancellationToken);
        _commits.Enqueue(commit);
        if (Interlocked.CompareExchange(ref _leading, 1, 0) == 0)
        {
            commit.Leads = true;
        }
        else if (await commit.Signal.Task.ConfigureAwait(false) == CommitOutcome.Committed)
        {
            return;
        }

        // Leading (by arrival or handed over): the commits are ours to run until our own is done.
        await LeadCommitsAsync(commit).ConfigureAwait(false);
        if (commit.Failure is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private const int CommitsPerTransaction = 64;

    private readonly ConcurrentQueue<PendingCommit> _commits = new();
    private int _leading;
    private long _sessionTransactions;

    /// <summary>Sessions waiting for the next group commit.</summary>
    internal int QueuedSessions => _commits.Count;

    /// <summary>Transactions the session commits have used so far (fewer than sessions when they were grouped).</summary>
    internal long SessionTransactions => Interlocked.Read(ref _sessionTransactions);

    private async Task LeadCommitsAsync(PendingCommit own)
    {
        while (true)
        {
            try
            {
                await db.EnterWriteAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (StoreException closed)
            {
                // The store was closed: nobody will commit what is queued. Fail it rather than leave it waiting.
                FailQueued(own, closed);
                return;
            }

            try
            {
                var batch = new List<PendingCommit>(CommitsPerTransaction);
                if (own.Taken)
                {
                    // Handed over: our session was taken off the queue by the previous leader.
                    batch.Add(own);
                }

                while (!own.Finished)
                {
                    while (batch.Count < CommitsPerTransaction && _commits.TryDequeue(out var next))
                    {
                        batch.Add(next);
                    }

                    CommitBatch(batch);
                    batch.Clear();
                }
            }
            finally
            {
                db.ExitWrite();
            }

            // Ours is done. If others wait, the oldest leads next; otherwise step down, then look once more:
            // a session queued after our last look and before we stepped down found us still leading.
            if (_commits.TryDequeue(out var heir))
            {
                heir.Taken = true;
                heir.Leads = true;
                heir.Signal.SetResult(CommitOutcome.Lead);
                return;
            }

            Volatile.Write(ref _leading, 0);
            if (_commits.IsEmpty || Interlocked.CompareExchange(ref _leading, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private void FailQueued(PendingCommit own, StoreException failure)
    {
        own.Finish(failure);
        while (_commits.TryDequeue(out var commit))
        {
            commit.Finish(failure);
        }

        Volatile.Write(ref _leading, 0);
    }

    /// <summary>Commits <paramref name="batch"/> in one transaction, a savepoint per session; finishes every session in it.</summary>
    private void CommitBatch(List<PendingCommit> batch)
    {
        var committed = new List<PendingCommit>(batch.Count);
        SqliteTransaction? transaction = null;
        try
        {
            transaction = db.Writer.BeginTransaction(deferred: false);
            foreach (var commit in batch)
            {
                if (commit.Cancellation.IsCancellationRequested)
                {
                    commit.Finish(new OperationCanceledException(commit.Cancellation));
                    continue;
                }

                var pathMark = db.Paths.Mark();
                var typeMark = db.Types.Mark();
                db.RunOnWriter("SAVEPOINT session");
                try
                {
                    WriteSession(transaction, commit.Changes);
                    db.RunOnWriter("RELEASE session");
                    committed.Add(commit);
                }
                catch (Exception e)
                {
                    // Only this session is undone. If SQLite ended the whole transaction (an I/O error, a full
                    // disk), the rollback to the savepoint throws and the whole batch fails below.
                    db.RunOnWriter("ROLLBACK TO session");
                    db.RunOnWriter("RELEASE session");
                    db.Paths.Discard(pathMark);
                    db.Types.Discard(typeMark);
                    commit.Finish(WriteFailure(e) ?? e);
                }
            }

            transaction.Commit();
            Interlocked.Increment(ref _sessionTransactions);
            db.Paths.Accept();
            db.Types.Accept();
            foreach (var commit in committed)
            {
                commit.Finish(null);
            }
        }
        catch (Exception e)
        {
            db.Paths.Discard(0);
            db.Types.Discard(0);
            var failure = WriteFailure(e) ?? WriteUnavailable(e);
            foreach (var commit in batch)
            {
                commit.Finish(failure);
            }
        }
        finally
        {
            transaction?.Dispose();
        }
    }

    private void WriteSession(SqliteTransaction transaction, SessionChanges changes)
    {
        if (WriteDevice(transaction, changes) is not { } device)
        {
            // Deleted while the session ran: the operator's delete stands, and nothing of the session is kept.
            return;
        }

        RemoveSubtrees(transaction, device, changes.RemovedSubtrees);
        PruneListedSubtrees(transaction, device, changes.ListedSubtrees);
        WriteParameters(transaction, device, MergedByPath(changes.Parameters));
        UpdateTasks(transaction, device, changes.Tasks);
        WriteTags(transaction, device, changes.Tags);
        foreach (var task in changes.NewTasks)
        {
            InsertTask(transaction, device, task);
        }

        DeviceEventRows.Write(transaction, device, changes.Events);
    }

    // The writer's hot statements are prepared once and reused (under the write lock), driven through SQLite's
    // API directly (RawStatement): preparing, then binding by name, the 29-column upsert and the parameter
    // upserts were the larger part of a periodic session's commit.
    // Runs in the session's transaction: SQLite transactions belong to the connection, not to a command. A device the
    // session found stored is updated (its row id, or null when it was deleted meanwhile); a new one is inserted.
    private long? WriteDevice(SqliteTransaction transaction, SessionChanges changes)
    {
        if (changes.Known is null && IsBlocked(transaction, changes.Device.Id))
        {
            throw new StoreException(StoreErrorReason.Rejected, $"Device '{changes.Device.Id}' is blocked; the session was not committed.");
        }

        var statement = db.WriterStatement(changes.Known is null ? DeviceRow.Upsert : DeviceRow.Update);
        try
        {
            DeviceRow.Bind(statement, changes.Device, db.Secrets);
            if (changes.Known is { } known)
            {
                statement.Bind("$write_credentials", known.Credentials.Equals(changes.Device.Credentials) ? 0 : 1);
            }

            return statement.Step() ? statement.Int64(0) : changes.Known is null ? throw new InvalidOperationException("The device upsert returned no row.") : null;
        }
        finally
        {
            statement.Reset();
        }
    }

    private static void WriteTags(SqliteTransaction transaction, long device, List<TagChange> tags)
    {
        foreach (var change in tags)
        {
            using var command = Command(transaction, change.Present
                ? "INSERT OR IGNORE INTO tags (tag, device) VALUES ($tag, $device)"
                : "DELETE FROM tags WHERE tag = $tag AND device = $device");
            command.Parameters.AddWithValue("$tag", change.Tag);
            command.Parameters.AddWithValue("$device", device);
            command.ExecuteNonQuery();
        }
    }

    private static bool IsBlocked(SqliteTransaction transaction, DeviceId id)
    {
        using var command = Command(transaction, "SELECT EXISTS (SELECT 1 FROM blocked_devices WHERE id = $id)");
        command.Parameters.AddWithValue("$id", id.ToString());
        return (long)command.ExecuteScalar()! == 1;
    }

    private void RemoveSubtrees(SqliteTransaction transaction, long device, List<string> prefixes)
    {
        foreach (var prefix in prefixes)
        {
            using var command = Command(transaction, "DELETE FROM parameters WHERE device = $device AND path IN (SELECT id FROM paths WHERE path >= $from AND path < $to)");
            var (from, to) = PrefixRange(prefix);
            command.Parameters.AddWithValue("$device", device);
            command.Parameters.AddWithValue("$from", from);
            command.Parameters.AddWithValue("$to", to);
            command.ExecuteNonQuery();
        }
    }

    // Cached paths under a fully listed prefix that the listing does not name: read them, then delete by path id.
    private static void PruneListedSubtrees(SqliteTransaction transaction, long device, List<SubtreeListing> listings)
    {
        foreach (var listing in listings)
        {
            var gone = new List<long>();
            using (var select = Command(transaction, "SELECT p.path, t.path FROM parameters p JOIN paths t ON t.id = p.path WHERE p.device = $device AND t.path >= $from AND t.path < $to"))
            {
                var (from, to) = PrefixRange(listing.Prefix);
                select.Parameters.AddWithValue("$device", device);
                select.Parameters.AddWithValue("$from", from);
                select.Parameters.AddWithValue("$to", to);
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    if (!listing.Names.Contains(reader.GetString(1)))
                    {
                        gone.Add(reader.GetInt64(0));
                    }
                }
            }

            if (gone.Count == 0)
            {
                continue;
            }

            using var delete = Command(transaction, "DELETE FROM parameters WHERE device = $device AND path = $path");
            delete.Parameters.AddWithValue("$device", device);
            var path = delete.Parameters.Add("$path", SqliteType.Integer);
            foreach (var id in gone)
            {
                path.Value = id;
                delete.ExecuteNonQuery();
            }
        }
    }

    // A discovery holds each path twice; merged first, each path costs one upsert instead of two. Small sessions (a
    // periodic Inform's handful) are written as they are: the upserts merge them just the same.
    internal static List<CachedParameter> MergedByPath(List<CachedParameter> parameters) =>
        parameters.Count < 64 ? parameters : CachedParameter.MergeByPath(parameters);

    private void WriteParameters(SqliteTransaction transaction, long device, List<CachedParameter> parameters)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        var statement = db.WriterStatement(UpsertParameter);
        int pDevice = statement.Index("$device"), pPath = statement.Index("$path"), pValue = statement.Index("$value"),
            pType = statement.Index("$type"), pWritable = statement.Index("$writable"), pNotification = statement.Index("$notification"),
            pAccess = statement.Index("$access_list"), pReadAt = statement.Index("$read_at");
        try
        {
            foreach (var p in parameters)
            {
                statement.Bind(pDevice, device);
                statement.Bind(pPath, db.Paths.GetOrAdd(transaction, p.Path));
                statement.Bind(pValue, p.Value);
                statement.Bind(pType, p.Type is null ? null : db.Types.GetOrAdd(transaction, p.Type));
                statement.Bind(pWritable, p.Writable is { } w ? (w ? 1 : 0) : null);
                statement.Bind(pNotification, (long?)p.Notification);
                statement.Bind(pAccess, p.AccessList);
                statement.Bind(pReadAt, DeviceRow.Milliseconds(p.ReadAt));
                statement.Step();
                statement.Reset();
            }
        }
        finally
        {
            statement.Reset();
        }
    }

    private static void UpdateTasks(SqliteTransaction transaction, long device, List<TaskUpdate> updates)
    {
        foreach (var update in updates)
        {
            using var command = Command(transaction, """
                UPDATE tasks SET status = $status, result = $result, fault_code = $code, fault_string = $string, fault_detail = $detail,
                    attempts = max(0, attempts + $delta), updated_at = $now
                WHERE id = $id AND device = $device
                """);
            command.Parameters.AddWithValue("$status", (int)update.Status);
            command.Parameters.AddWithValue("$result", (object?)update.Result ?? DBNull.Value);
            command.Parameters.AddWithValue("$code", (object?)update.Fault?.Code ?? DBNull.Value);
            command.Parameters.AddWithValue("$string", (object?)update.Fault?.Message ?? DBNull.Value);
            command.Parameters.AddWithValue("$detail", (object?)update.Fault?.Detail ?? DBNull.Value);
            command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$delta", update.AttemptDelta);
            command.Parameters.AddWithValue("$id", update.TaskId);
            command.Parameters.AddWithValue("$device", device);
            if (command.ExecuteNonQuery() != 1)
            {
                throw new StoreException(StoreErrorReason.Rejected, $"Task {update.TaskId} does not belong to the session's device; the session was not committed.");
            }
        }
    }
}
