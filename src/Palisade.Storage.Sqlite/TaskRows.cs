using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using static Palisade.Storage.Sqlite.SqliteDatabase;

namespace Palisade.Storage.Sqlite;

/// <summary>Rows of the tasks table: inserting one, reading them back.</summary>
internal static class TaskRows
{
    public const string TaskColumns = "t.id, d.oui, d.product_class, d.serial_number, t.name, t.payload, t.status, t.created_at, t.expires_at, t.attempts, t.updated_at, t.result, t.fault_code, t.fault_string, t.fault_detail";

    public static long InsertTask(SqliteTransaction transaction, long deviceRowId, NewTask task)
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

    public static DeviceTask? ReadTask(SqliteConnection connection, SqliteTransaction? transaction, long taskId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {TaskColumns} FROM tasks t JOIN devices d ON d.rowid = t.device WHERE t.id = $id";
        command.Parameters.AddWithValue("$id", taskId);
        var tasks = ReadTasks(command);
        return tasks.Count == 0 ? null : tasks[0];
    }

    public static List<DeviceTask> ReadTasks(SqliteCommand command)
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
