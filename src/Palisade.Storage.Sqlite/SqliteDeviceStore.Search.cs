using Palisade.Acs.Devices;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Sqlite;

public sealed partial class SqliteDeviceStore
{
    /// <inheritdoc />
    public Task<DeviceSearchResult> SearchDevicesAsync(DeviceSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        var limit = Math.Clamp(search.Limit, 1, 1000);
        var order = search.Sort switch
        {
            "lastInform" => "d.last_inform_at",
            "registered" => "d.registered_at",
            "id" => "d.id",
            _ => throw new ArgumentException($"Cannot sort by '{search.Sort}'; use {string.Join(", ", DeviceSearch.SortFields)}."),
        };
        var direction = search.Descending ? "DESC" : "ASC";
        var where = SqliteFilter.Compile(search.Filter);
        (long? Value, string Id)? after = search.After is null ? null : SearchCursor.Parse(search.After, search.Sort);
        var keyset = after is null ? "1" : Keyset(order, search.Sort == "id", search.Descending, after.Value.Value is null);
        return ReadAsync(connection =>
        {
            var devices = new List<Device>();
            string? next = null;
            long? lastValue = null;
            var lastId = string.Empty;
            using (var command = connection.CreateCommand())
            {
                // The sort key and the id come last, after the device's own columns: the next page starts after them.
#pragma warning disable CA2100 // Fixed SQL fragments only; every filter value is a bound parameter (SqliteFilter).
                command.CommandText = $"SELECT {DeviceColumns}, {order}, d.id FROM devices d WHERE ({where.Sql}) AND {keyset} ORDER BY {order} {direction}, d.id {direction} LIMIT $limit";
#pragma warning restore CA2100
                where.Bind(command);
                command.Parameters.AddWithValue("$limit", limit + 1);
                if (after is { } key)
                {
                    command.Parameters.AddWithValue("$after_value", (object?)key.Value ?? DBNull.Value);
                    command.Parameters.AddWithValue("$after_id", key.Id);
                }

                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    if (devices.Count == limit)
                    {
                        // One more than the page: there is a next page, after the page's last device.
                        next = SearchCursor.Format(search.Sort, lastValue, lastId);
                        break;
                    }

                    devices.Add(DeviceRow.Read(reader, _secrets));
                    lastValue = search.Sort == "id" || reader.IsDBNull(reader.FieldCount - 2) ? null : reader.GetInt64(reader.FieldCount - 2);
                    lastId = reader.GetString(reader.FieldCount - 1);
                }
            }

            long? total = null;
            if (search.IncludeTotal)
            {
                using var count = connection.CreateCommand();
#pragma warning disable CA2100
                count.CommandText = $"SELECT count(*) FROM devices d WHERE {where.Sql}";
#pragma warning restore CA2100
                where.Bind(count);
                total = (long)count.ExecuteScalar()!;
            }

            return new DeviceSearchResult(devices, total, next);
        }, cancellationToken);
    }

    // The rows after ($after_value, $after_id) in ORDER BY key, d.id. SQLite sorts NULL first ascending and last
    // descending; only last_inform_at can be NULL.
    private static string Keyset(string key, bool byId, bool descending, bool afterNull) => (byId, descending, afterNull) switch
    {
        (true, false, _) => "d.id > $after_id",
        (true, true, _) => "d.id < $after_id",
        (false, false, true) => $"(({key} IS NULL AND d.id > $after_id) OR {key} IS NOT NULL)",
        (false, true, true) => $"({key} IS NULL AND d.id < $after_id)",
        (false, false, false) => $"({key} > $after_value OR ({key} = $after_value AND d.id > $after_id))",
        (false, true, false) => $"({key} < $after_value OR ({key} = $after_value AND d.id < $after_id) OR {key} IS NULL)",
    };

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceId>> MatchDeviceIdsAsync(Filter? filter, int limit, CancellationToken cancellationToken)
    {
        var where = SqliteFilter.Compile(filter);
        return ReadAsync<IReadOnlyList<DeviceId>>(connection =>
        {
            using var command = connection.CreateCommand();
#pragma warning disable CA2100
            command.CommandText = $"SELECT d.oui, d.product_class, d.serial_number FROM devices d WHERE {where.Sql} ORDER BY d.id LIMIT $limit";
#pragma warning restore CA2100
            where.Bind(command);
            command.Parameters.AddWithValue("$limit", Math.Max(1, limit));
            using var reader = command.ExecuteReader();
            var ids = new List<DeviceId>();
            while (reader.Read())
            {
                ids.Add(new DeviceId(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }

            return ids;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> MatchesAsync(DeviceId id, Filter filter, CancellationToken cancellationToken)
    {
        var where = SqliteFilter.Compile(filter);
        return ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
#pragma warning disable CA2100
            command.CommandText = $"SELECT EXISTS (SELECT 1 FROM devices d WHERE d.id = $id AND {where.Sql})";
#pragma warning restore CA2100
            where.Bind(command);
            command.Parameters.AddWithValue("$id", id.ToString());
            return (long)command.ExecuteScalar()! == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetTagsAsync(DeviceId id, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<string>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT t.tag FROM tags t JOIN devices d ON d.rowid = t.device WHERE d.id = $id ORDER BY t.tag";
            command.Parameters.AddWithValue("$id", id.ToString());
            using var reader = command.ExecuteReader();
            var tags = new List<string>();
            while (reader.Read())
            {
                tags.Add(reader.GetString(0));
            }

            return tags;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetTagAsync(DeviceId id, string tag, bool present, CancellationToken cancellationToken) =>
        WriteAsync(transaction =>
        {
            var rowid = DeviceRowId(transaction, id);
            if (rowid is null)
            {
                return false;
            }

            using var command = Command(transaction, present
                ? "INSERT OR IGNORE INTO tags (tag, device) VALUES ($tag, $device)"
                : "DELETE FROM tags WHERE tag = $tag AND device = $device");
            command.Parameters.AddWithValue("$tag", tag);
            command.Parameters.AddWithValue("$device", rowid.Value);
            command.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<DeviceTask?> RetryTaskAsync(long taskId, DateTimeOffset now, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        WriteAsync(transaction =>
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
        return ReadAsync<IReadOnlyList<DeviceTask>>(connection =>
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
        WriteAsync(transaction =>
        {
            using var command = Command(transaction, "DELETE FROM tasks WHERE id = $id AND status = $faulted");
            command.Parameters.AddWithValue("$id", taskId);
            command.Parameters.AddWithValue("$faulted", (int)DeviceTaskStatus.Faulted);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
}
