using Palisade.Acs.Devices;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;
using static Palisade.Storage.Sqlite.SqliteDatabase;
using static Palisade.Storage.Sqlite.TaskRows;

namespace Palisade.Storage.Sqlite;

/// <summary>The task queue as operators see it: queue, list, cancel, retry, faults and pruning of the history.</summary>
internal sealed class SqliteTaskStore(SqliteDatabase db) : ITaskStore
{
    /// <inheritdoc />
    public Task<DeviceTask> AddTaskAsync(DeviceId id, NewTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return db.WriteAsync(transaction =>
        {
            var rowid = DeviceRowId(transaction, id) ?? throw new StoreException(StoreErrorReason.NotFound, $"Device '{id}' is not registered.");
            var taskId = InsertTask(transaction, rowid, task);
            return ReadTask(transaction.Connection!, transaction, taskId)!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeviceTask?> GetTaskAsync(long taskId, CancellationToken cancellationToken) =>
        db.ReadAsync(connection => ReadTask(connection.Connection, null, taskId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceTask>> ListTasksAsync(DeviceId id, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<DeviceTask>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {TaskColumns} FROM tasks t JOIN devices d ON d.rowid = t.device WHERE d.id = $id ORDER BY t.id DESC LIMIT $limit";
            command.Parameters.AddWithValue("$id", id.ToString());
            command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 10_000));
            return ReadTasks(command);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> CancelTaskAsync(long taskId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "UPDATE tasks SET status = $cancelled, updated_at = $now WHERE id = $id AND status = $queued");
            command.Parameters.AddWithValue("$cancelled", (int)DeviceTaskStatus.Cancelled);
            command.Parameters.AddWithValue("$queued", (int)DeviceTaskStatus.Queued);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$id", taskId);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteFinishedTasksAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            // The subquery walks the partial index tasks_finished (status <> 0) from the oldest; one bounded batch
            // per transaction, so sessions' commits are never held up for long.
            using var command = Command(transaction, "DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE status <> 0 AND updated_at < $before ORDER BY updated_at LIMIT $limit)");
            command.Parameters.AddWithValue("$before", finishedBefore.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 100_000));
            return command.ExecuteNonQuery();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<DeviceTask?> RetryTaskAsync(long taskId, DateTimeOffset now, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, """
                UPDATE tasks SET status = $queued, expires_at = $expires, updated_at = $now, fault_code = NULL, fault_string = NULL, fault_detail = NULL
                WHERE id = $id AND status IN ($faulted, $expired, $cancelled)
                """);
            command.Parameters.AddWithValue("$queued", (int)DeviceTaskStatus.Queued);
            command.Parameters.AddWithValue("$faulted", (int)DeviceTaskStatus.Faulted);
            command.Parameters.AddWithValue("$expired", (int)DeviceTaskStatus.Expired);
            command.Parameters.AddWithValue("$cancelled", (int)DeviceTaskStatus.Cancelled);
            command.Parameters.AddWithValue("$expires", DeviceRow.Db(expiresAt));
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$id", taskId);
            return command.ExecuteNonQuery() == 1 ? ReadTask(transaction.Connection!, transaction, taskId) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceTask>> ListFaultsAsync(DeviceId? id, Filter? filter, int limit, CancellationToken cancellationToken)
    {
        var where = SqliteFilter.Compile(filter);
        return db.ReadAsync<IReadOnlyList<DeviceTask>>(connection =>
        {
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed SQL fragments only; every filter value is a bound parameter (SqliteFilter).
            command.CommandText = $"SELECT {TaskColumns} FROM tasks t JOIN devices d ON d.rowid = t.device WHERE t.status = $faulted AND ($id IS NULL OR d.id = $id) AND {where.Sql} ORDER BY t.updated_at DESC, t.id DESC LIMIT $limit";
#pragma warning restore CA2100
            where.Bind(command);
            command.Parameters.AddWithValue("$faulted", (int)DeviceTaskStatus.Faulted);
            command.Parameters.AddWithValue("$id", (object?)id?.ToString() ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 10_000));
            return ReadTasks(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ClearFaultAsync(long taskId, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "DELETE FROM tasks WHERE id = $id AND status = $faulted");
            command.Parameters.AddWithValue("$id", taskId);
            command.Parameters.AddWithValue("$faulted", (int)DeviceTaskStatus.Faulted);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
}
