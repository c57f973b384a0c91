using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;

namespace Palisade.Storage.Sqlite;

/// <summary>A device's event history in the device_events table: written with the session, the latest kept.</summary>
internal static class DeviceEventRows
{
    /// <summary>Adds a session's events and drops the device's oldest beyond <see cref="DeviceEvent.MaxPerDevice"/>.</summary>
    public static void Write(SqliteTransaction transaction, long device, List<DeviceEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        using (var insert = Command(transaction, "INSERT INTO device_events (device, at, code, command_key, detail) VALUES ($device, $at, $code, $key, $detail)"))
        {
            var pAt = insert.Parameters.Add("$at", SqliteType.Integer);
            var pCode = insert.Parameters.Add("$code", SqliteType.Text);
            var pKey = insert.Parameters.Add("$key", SqliteType.Text);
            var pDetail = insert.Parameters.Add("$detail", SqliteType.Text);
            insert.Parameters.AddWithValue("$device", device);
            foreach (var e in events.TakeLast(DeviceEvent.MaxPerDevice))
            {
                pAt.Value = e.At.ToUnixTimeMilliseconds();
                pCode.Value = e.Code;
                pKey.Value = (object?)e.CommandKey ?? DBNull.Value;
                pDetail.Value = (object?)e.Detail ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }
        }

        using var trim = Command(transaction, "DELETE FROM device_events WHERE device = $device AND id < (SELECT id FROM device_events WHERE device = $device ORDER BY id DESC LIMIT 1 OFFSET $keep)");
        trim.Parameters.AddWithValue("$device", device);
        trim.Parameters.AddWithValue("$keep", DeviceEvent.MaxPerDevice - 1);
        trim.ExecuteNonQuery();
    }

    /// <summary>The device's latest events, newest first, at most <paramref name="limit"/>.</summary>
    public static List<DeviceEvent> Read(ReadConnection connection, string deviceId, int limit)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT e.at, e.code, e.command_key, e.detail FROM device_events e JOIN devices d ON d.rowid = e.device WHERE d.id = $id ORDER BY e.id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$id", deviceId);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var events = new List<DeviceEvent>();
        while (reader.Read())
        {
            events.Add(new DeviceEvent(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return events;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only constant SQL reaches this method; values are always bound as parameters.")]
    private static SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
