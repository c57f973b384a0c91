using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Sqlite;

/// <summary>The task queue.</summary>
public sealed partial class SqliteDeviceStore
{
    private const string TaskColumns = "t.id, d.oui, d.product_class, d.serial_number, t.name, t.payload, t.status, t.created_at, t.expires_at, t.attempts, t.updated_at, t.result, t.fault_code, t.fault_string, t.fault_detail";

    /// <inheritdoc />
    public Task<DeviceTask> AddTaskAsync(DeviceId id, NewTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        return WriteAsync(transaction =>
        {
            var rowid = DeviceRowId(transaction, id) ?? throw new StoreException(StoreErrorReason.NotFound, $"Device '{id}' is not registered.");
            var taskId = InsertTask(transaction, rowid, task);
            return ReadTask(transaction.Connection!, transaction, taskId)!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeviceTask?> GetTaskAsync(long taskId, CancellationToken cancellationToken) =>
        ReadAsync(connection => ReadTask(connection.Connection, null, taskId), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceTask>> ListTasksAsync(DeviceId id, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<DeviceTask>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {TaskColumns} FROM tasks t JOIN devices d ON d.rowid = t.device WHERE d.id = $id ORDER BY t.id DESC LIMIT $limit";
            command.Parameters.AddWithValue("$id", id.ToString());
            command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 10_000));
            return ReadTasks(command);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeviceTask>> TakeQueuedTasksAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Most sessions have nothing queued: find that out with a read, not a write transaction.
        var any = await ReadAsync(connection =>
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
        WriteAsync<IReadOnlyList<DeviceTask>>(transaction =>
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

            using var select = Command(transaction, $"SELECT {TaskColumns} FROM tasks t JOIN devices d ON d.rowid = t.device WHERE t.device = $device AND t.status = $queued ORDER BY t.id");
            select.Parameters.AddWithValue("$device", rowid.Value);
            select.Parameters.AddWithValue("$queued", (int)DeviceTaskStatus.Queued);
            return ReadTasks(select);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> CancelTaskAsync(long taskId, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(transaction =>
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
        WriteAsync(transaction =>
        {
            // The subquery walks the partial index tasks_finished (status <> 0) from the oldest; one bounded batch
            // per transaction, so sessions' commits are never held up for long.
            using var command = Command(transaction, "DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE status <> 0 AND updated_at < $before ORDER BY updated_at LIMIT $limit)");
            command.Parameters.AddWithValue("$before", finishedBefore.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 100_000));
            return command.ExecuteNonQuery();
        }, cancellationToken);

    private static long InsertTask(SqliteTransaction transaction, long deviceRowId, NewTask task)
    {
        using var command = Command(transaction, "INSERT INTO tasks (device, name, payload, status, created_at, expires_at) VALUES ($device, $name, $payload, $queued, $created, $expires) RETURNING id");
        command.Parameters.AddWithValue("$device", deviceRowId);
        command.Parameters.AddWithValue("$name", task.Name);
        command.Parameters.AddWithValue("$payload", task.Payload);
        command.Parameters.AddWithValue("$queued", (int)DeviceTaskStatus.Queued);
        command.Parameters.AddWithValue("$created", task.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$expires", DeviceRow.Db(task.ExpiresAt));
        return (long)command.ExecuteScalar()!;
    }

    private static DeviceTask? ReadTask(SqliteConnection connection, SqliteTransaction? transaction, long taskId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {TaskColumns} FROM tasks t JOIN devices d ON d.rowid = t.device WHERE t.id = $id";
        command.Parameters.AddWithValue("$id", taskId);
        var tasks = ReadTasks(command);
        return tasks.Count == 0 ? null : tasks[0];
    }

    private static List<DeviceTask> ReadTasks(SqliteCommand command)
    {
        var tasks = new List<DeviceTask>();
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            tasks.Add(new DeviceTask(
                r.GetInt64(0),
                new DeviceId(r.GetString(1), r.GetString(2), r.GetString(3)),
                r.GetString(4),
                r.GetString(5),
                (DeviceTaskStatus)r.GetInt64(6),
                DeviceRow.Time(r.GetInt64(7)),
                r.IsDBNull(8) ? null : DeviceRow.Time(r.GetInt64(8)),
                (int)r.GetInt64(9),
                r.IsDBNull(10) ? null : DeviceRow.Time(r.GetInt64(10)),
                r.IsDBNull(11) ? null : r.GetString(11),
                r.IsDBNull(12) ? null : new TaskFault((int)r.GetInt64(12), r.IsDBNull(13) ? string.Empty : r.GetString(13), r.IsDBNull(14) ? null : r.GetString(14))));
        }

        return tasks;
    }
}
