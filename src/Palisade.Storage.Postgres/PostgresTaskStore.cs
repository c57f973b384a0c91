using Palisade.Acs.Devices;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;
using static Palisade.Storage.Postgres.PgTaskRows;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>The task queue as operators see it: queue, list, cancel, retry, faults and pruning of the history.</summary>
internal sealed class PostgresTaskStore(PostgresDatabase db) : ITaskStore
{
    /// <inheritdoc />
    public Task<DeviceTask> AddTaskAsync(DeviceId id, NewTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(task);
        return db.WriteAsync(async (connection, transaction) =>
        {
            var key = await DeviceKeyAsync(connection, transaction, id.ToString(), cancellationToken).ConfigureAwait(false)
                ?? throw new StoreException(StoreErrorReason.NotFound, $"Device '{id}' is not registered.");
            long taskId;
            await using (var insert = Command(connection, transaction, Insert).With(InsertParameters(key, task)))
            {
                taskId = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            return (await ReadTaskAsync(connection, transaction, taskId, cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeviceTask?> GetTaskAsync(long taskId, CancellationToken cancellationToken) =>
        db.ReadAsync(connection => ReadTaskAsync(connection, null, taskId, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceTask>> ListTasksAsync(DeviceId id, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return db.ReadAsync<IReadOnlyList<DeviceTask>>(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {TaskColumns} FROM tasks t JOIN devices d ON d.key = t.device WHERE d.id = $1 ORDER BY t.id DESC LIMIT $2")
                .With(Parameters.Text(id.ToString()), Parameters.Int(Math.Clamp(limit, 1, 10_000)));
            return await ReadTasksAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> CancelTaskAsync(long taskId, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "UPDATE tasks SET status = 3, updated_at = $1 WHERE id = $2 AND status = 0")
                .With(Parameters.Time(now), Parameters.Long(taskId));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteFinishedTasksAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            // One bounded batch per transaction, oldest first, through the partial index of finished tasks.
            await using var command = Command(connection, transaction, "DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE status <> 0 AND updated_at < $1 ORDER BY updated_at LIMIT $2)")
                .With(Parameters.Time(finishedBefore), Parameters.Int(Math.Clamp(limit, 1, 100_000)));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<DeviceTask?> RetryTaskAsync(long taskId, DateTimeOffset now, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, """
                UPDATE tasks SET status = 0, expires_at = $1, updated_at = $2, fault_code = NULL, fault_string = NULL, fault_detail = NULL
                WHERE id = $3 AND status IN (2, 3, 4)
                """).With(Parameters.Time(expiresAt), Parameters.Time(now), Parameters.Long(taskId));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
                ? await ReadTaskAsync(connection, transaction, taskId, cancellationToken).ConfigureAwait(false)
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceTask>> ListFaultsAsync(DeviceId? id, Filter? filter, int limit, CancellationToken cancellationToken)
    {
        var where = PostgresFilter.Compile(filter, firstParameter: 3);
        return db.ReadAsync<IReadOnlyList<DeviceTask>>(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {TaskColumns} FROM tasks t JOIN devices d ON d.key = t.device WHERE t.status = 2 AND ($1::text IS NULL OR d.id = $1) AND {where.Sql} ORDER BY t.updated_at DESC, t.id DESC LIMIT $2")
                .With(Parameters.Text(id?.ToString()), Parameters.Int(Math.Clamp(limit, 1, 10_000)));
            where.Bind(command);
            return await ReadTasksAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ClearFaultAsync(long taskId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM tasks WHERE id = $1 AND status = 2").With(Parameters.Long(taskId));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
}
