using Microsoft.Data.Sqlite;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Sqlite;

/// <summary>The atomic commit of one session's changes.</summary>
public sealed partial class SqliteDeviceStore
{
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

    /// <inheritdoc />
    public Task CommitSessionAsync(SessionChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return WriteAsync(transaction =>
        {
            var device = UpsertDevice(transaction, changes);
            RemoveSubtrees(transaction, device, changes.RemovedSubtrees);
            PruneListedSubtrees(transaction, device, changes.ListedSubtrees);
            WriteParameters(transaction, device, changes.Parameters);
            UpdateTasks(transaction, device, changes.Tasks);
            foreach (var task in changes.NewTasks)
            {
                InsertTask(transaction, device, task);
            }

            return true;
        }, cancellationToken);
    }

    // The writer's hot statements are prepared once and reused (under the write lock): preparing the
    // 27-column upsert on every session commit was a visible share of a session's CPU.
    private SqliteCommand? _upsertDevice;
    private SqliteCommand? _upsertParameter;

    private long UpsertDevice(SqliteTransaction transaction, SessionChanges changes)
    {
        _upsertDevice ??= _writer.CreateCommand();
        _upsertDevice.CommandText = DeviceRow.Upsert;
        _upsertDevice.Transaction = transaction;
        _upsertDevice.Parameters.Clear();
        DeviceRow.Bind(_upsertDevice, changes.Device);
        return (long)_upsertDevice.ExecuteScalar()!;
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

    private void WriteParameters(SqliteTransaction transaction, long device, List<CachedParameter> parameters)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        if (_upsertParameter is null)
        {
            _upsertParameter = _writer.CreateCommand();
            _upsertParameter.CommandText = UpsertParameter;
            _upsertParameter.Parameters.Add("$device", SqliteType.Integer);
            _upsertParameter.Parameters.Add("$path", SqliteType.Integer);
            _upsertParameter.Parameters.Add("$value", SqliteType.Text);
            _upsertParameter.Parameters.Add("$type", SqliteType.Integer);
            _upsertParameter.Parameters.Add("$writable", SqliteType.Integer);
            _upsertParameter.Parameters.Add("$notification", SqliteType.Integer);
            _upsertParameter.Parameters.Add("$access_list", SqliteType.Text);
            _upsertParameter.Parameters.Add("$read_at", SqliteType.Integer);
        }

        var command = _upsertParameter;
        command.Transaction = transaction;
        var pDevice = command.Parameters["$device"];
        var pPath = command.Parameters["$path"];
        var pValue = command.Parameters["$value"];
        var pType = command.Parameters["$type"];
        var pWritable = command.Parameters["$writable"];
        var pNotification = command.Parameters["$notification"];
        var pAccess = command.Parameters["$access_list"];
        var pReadAt = command.Parameters["$read_at"];
        foreach (var p in parameters)
        {
            pDevice.Value = device;
            pPath.Value = _paths.GetOrAdd(transaction, p.Path);
            pValue.Value = (object?)p.Value ?? DBNull.Value;
            pType.Value = p.Type is null ? DBNull.Value : _types.GetOrAdd(transaction, p.Type);
            pWritable.Value = p.Writable is { } w ? (w ? 1 : 0) : DBNull.Value;
            pNotification.Value = (object?)p.Notification ?? DBNull.Value;
            pAccess.Value = (object?)p.AccessList ?? DBNull.Value;
            pReadAt.Value = DeviceRow.Db(p.ReadAt);
            command.ExecuteNonQuery();
        }
    }

    private static void UpdateTasks(SqliteTransaction transaction, long device, List<TaskUpdate> updates)
    {
        foreach (var update in updates)
        {
            using var command = Command(transaction, """
                UPDATE tasks SET status = $status, result = $result, fault_code = $code, fault_string = $string, fault_detail = $detail,
                    attempts = attempts + 1, updated_at = $now
                WHERE id = $id AND device = $device
                """);
            command.Parameters.AddWithValue("$status", (int)update.Status);
            command.Parameters.AddWithValue("$result", (object?)update.Result ?? DBNull.Value);
            command.Parameters.AddWithValue("$code", (object?)update.Fault?.Code ?? DBNull.Value);
            command.Parameters.AddWithValue("$string", (object?)update.Fault?.Message ?? DBNull.Value);
            command.Parameters.AddWithValue("$detail", (object?)update.Fault?.Detail ?? DBNull.Value);
            command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$id", update.TaskId);
            command.Parameters.AddWithValue("$device", device);
            if (command.ExecuteNonQuery() != 1)
            {
                throw new StoreException(StoreErrorReason.Rejected, $"Task {update.TaskId} does not belong to the session's device; the session was not committed.");
            }
        }
    }
}
