using Npgsql;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Postgres;

/// <summary>Rows of the tasks table: inserting one, reading them back.</summary>
internal static class PgTaskRows
{
    public const string TaskColumns = "t.id, d.oui, d.product_class, d.serial_number, t.name, t.payload, t.status, t.created_at, t.expires_at, t.attempts, t.updated_at, t.result, t.fault_code, t.fault_string, t.fault_detail";

    public const string Insert = "INSERT INTO tasks (device, name, payload, status, created_at, expires_at) VALUES ($1, $2, $3, 0, $4, $5) RETURNING id";

    public static NpgsqlParameter[] InsertParameters(long device, NewTask task) =>
        [Parameters.Long(device), Parameters.Text(task.Name), Parameters.Text(task.Payload), Parameters.Time(task.CreatedAt), Parameters.Time(task.ExpiresAt)];

    public static async Task<DeviceTask?> ReadTaskAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long taskId, CancellationToken cancellationToken)
    {
        await using var command = PostgresDatabase.Command(connection, transaction, $"SELECT {TaskColumns} FROM tasks t JOIN devices d ON d.key = t.device WHERE t.id = $1")
            .With(Parameters.Long(taskId));
        var tasks = await ReadTasksAsync(command, cancellationToken).ConfigureAwait(false);
        return tasks.Count == 0 ? null : tasks[0];
    }

    public static async Task<List<DeviceTask>> ReadTasksAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var tasks = new List<DeviceTask>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tasks.Add(Read(r));
        }

        return tasks;
    }

    public static DeviceTask Read(NpgsqlDataReader r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new DeviceTask(
            r.GetInt64(0),
            new DeviceId(r.GetString(1), r.GetString(2), r.GetString(3)),
            r.GetString(4),
            r.GetString(5),
            (DeviceTaskStatus)r.GetInt32(6),
            PgDeviceRow.Time(r.GetInt64(7)),
            PgDeviceRow.OptionalTime(r, 8),
            r.GetInt32(9),
            PgDeviceRow.OptionalTime(r, 10),
            PgDeviceRow.Text(r, 11),
            r.IsDBNull(12) ? null : new TaskFault(r.GetInt32(12), PgDeviceRow.Text(r, 13) ?? string.Empty, PgDeviceRow.Text(r, 14)));
    }
}
