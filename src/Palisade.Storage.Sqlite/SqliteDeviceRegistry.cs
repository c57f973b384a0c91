using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;
using static Palisade.Storage.Sqlite.SqliteDatabase;

namespace Palisade.Storage.Sqlite;

/// <summary>The registered devices: lookup, cached parameters, search, tags, counting and deletion.</summary>
internal sealed class SqliteDeviceRegistry(SqliteDatabase db) : IDeviceRegistry
{
    private const string DeviceColumns = DeviceRow.Columns;
    private const string DeviceById = $"SELECT {DeviceColumns} FROM devices WHERE id = ?1";

    /// <inheritdoc />
    public Task<Device?> GetDeviceAsync(DeviceId id, CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            var statement = connection.Raw(DeviceById);
            try
            {
                statement.Bind(1, id.ToString());
                return statement.Step() ? DeviceRow.Read(statement, db.Secrets) : null;
            }
            finally
            {
                statement.Reset();
            }
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountDevicesAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM devices";
            return (long)command.ExecuteScalar()!;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CachedParameter>> GetParametersAsync(DeviceId id, string? prefix, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<CachedParameter>>(connection =>
        {
            var reads = new ParameterReads(connection);
            var result = new List<CachedParameter>();
            reads.Read(id, prefix, result);
            return result;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<DeviceId, IReadOnlyList<CachedParameter>>> GetParametersAsync(IReadOnlyList<DeviceId> ids, IReadOnlyList<string> prefixes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(prefixes);

        // One connection and its prepared statements for the whole page: a list's or an export's projection asked
        // one read per device and path, each renting a connection and preparing the statement again.
        return db.ReadAsync<IReadOnlyDictionary<DeviceId, IReadOnlyList<CachedParameter>>>(connection =>
        {
            var reads = new ParameterReads(connection);
            var result = new Dictionary<DeviceId, IReadOnlyList<CachedParameter>>();
            foreach (var id in ids)
            {
                var parameters = new List<CachedParameter>();
                foreach (var prefix in prefixes)
                {
                    reads.Read(id, prefix, parameters);
                }

                result[id] = parameters;
            }

            return result;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteDeviceAsync(DeviceId id, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction => Delete(transaction, id), cancellationToken);

    /// <inheritdoc />
    public Task<bool> BlockDeviceAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using (var command = Command(transaction, "INSERT INTO blocked_devices (id, blocked_at) VALUES ($id, $at) ON CONFLICT (id) DO NOTHING"))
            {
                command.Parameters.AddWithValue("$id", id.ToString());
                command.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
                command.ExecuteNonQuery();
            }

            return Delete(transaction, id);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> UnblockDeviceAsync(DeviceId id, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "DELETE FROM blocked_devices WHERE id = $id");
            command.Parameters.AddWithValue("$id", id.ToString());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <summary>True when <paramref name="id"/> is blocked (a read of its own, outside any transaction).</summary>
    public Task<bool> IsBlockedAsync(DeviceId id, CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT EXISTS (SELECT 1 FROM blocked_devices WHERE id = $id)";
            command.Parameters.AddWithValue("$id", id.ToString());
            return (long)command.ExecuteScalar()! == 1;
        }, cancellationToken);

    private static bool Delete(SqliteTransaction transaction, DeviceId id)
    {
        var rowid = DeviceRowId(transaction, id);
        if (rowid is null)
        {
            return false;
        }

        foreach (var table in new[] { "parameters", "tags", "tasks" })
        {
#pragma warning disable CA2100 // The table names are constants.
            using var command = Command(transaction, $"DELETE FROM {table} WHERE device = $device");
#pragma warning restore CA2100
            command.Parameters.AddWithValue("$device", rowid.Value);
            command.ExecuteNonQuery();
        }

        using (var command = Command(transaction, "DELETE FROM devices WHERE rowid = $device"))
        {
            command.Parameters.AddWithValue("$device", rowid.Value);
            command.ExecuteNonQuery();
        }

        return true;
    }

    /// <inheritdoc />
    public Task ImportDevicesAsync(IReadOnlyList<ImportedDevice> devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        return db.WriteAsync(transaction =>
        {
            foreach (var imported in devices)
            {
                var id = imported.Device.Id;
                using (var exists = Command(transaction, "SELECT EXISTS (SELECT 1 FROM devices WHERE id = $id) + 2 * EXISTS (SELECT 1 FROM blocked_devices WHERE id = $id)"))
                {
                    exists.Parameters.AddWithValue("$id", id.ToString());
                    switch ((long)exists.ExecuteScalar()!)
                    {
                        case 1 or 3: throw new StoreException(StoreErrorReason.Rejected, $"Device '{id}' is already registered; nothing was imported.");
                        case 2: throw new StoreException(StoreErrorReason.Rejected, $"Device '{id}' is blocked; nothing was imported.");
                    }
                }

                long rowid;
                var statement = db.WriterStatement(DeviceRow.Upsert);
                try
                {
                    DeviceRow.Bind(statement, imported.Device, db.Secrets);
                    rowid = statement.Step() ? statement.Int64(0) : throw new InvalidOperationException("The device insert returned no row.");
                }
                finally
                {
                    statement.Reset();
                }

                foreach (var tag in imported.Tags)
                {
                    using var insert = Command(transaction, "INSERT OR IGNORE INTO tags (tag, device) VALUES ($tag, $device)");
                    insert.Parameters.AddWithValue("$tag", tag);
                    insert.Parameters.AddWithValue("$device", rowid);
                    insert.ExecuteNonQuery();
                }
            }

            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ResetCredentialsAsync(DeviceId id, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "UPDATE devices SET username = NULL, ha1_md5 = NULL, ha1_sha256 = NULL, enrolled = 0, certificate_thumbprint = NULL, previous_username = NULL, previous_ha1_md5 = NULL, previous_ha1_sha256 = NULL WHERE id = $id");
            command.Parameters.AddWithValue("$id", id.ToString());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceEvent>> ListEventsAsync(DeviceId id, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return db.ReadAsync<IReadOnlyList<DeviceEvent>>(connection => DeviceEventRows.Read(connection, id.ToString(), Math.Min(limit, DeviceEvent.MaxPerDevice)), cancellationToken);
    }

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
        return db.ReadAsync(connection =>
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

                    devices.Add(DeviceRow.Read(reader, db.Secrets));
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
        return db.ReadAsync<IReadOnlyList<DeviceId>>(connection =>
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
        return db.ReadAsync(connection =>
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
        db.ReadAsync<IReadOnlyList<string>>(connection =>
        {
            // Read by every provisioning session: a statement the reader connection keeps prepared.
            var statement = connection.Raw("SELECT t.tag FROM tags t JOIN devices d ON d.rowid = t.device WHERE d.id = ?1 ORDER BY t.tag");
            try
            {
                statement.Bind(1, id.ToString());
                var tags = new List<string>();
                while (statement.Step())
                {
                    tags.Add(statement.GetString(0));
                }

                return tags;
            }
            finally
            {
                statement.Reset();
            }
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetTagAsync(DeviceId id, string tag, bool present, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
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
}
