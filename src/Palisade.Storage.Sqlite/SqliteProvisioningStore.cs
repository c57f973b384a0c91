using System.Text.Json;
using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;
using Palisade.Cwmp;
using static Palisade.Storage.Sqlite.SqliteDatabase;

namespace Palisade.Storage.Sqlite;

/// <summary>Presets, provisions, virtual parameters and channel faults.</summary>
internal sealed class SqliteProvisioningStore(SqliteDatabase db) : IProvisioningStore
{
    private const string ScriptColumns = "kind, name, body, sha256, updated_at, updated_by";
    private const string FaultColumns = "f.device_id, f.channel, f.code, f.message, f.detail, f.provisions, f.retries, f.timestamp, f.retry_at, f.expires_at";

    /// <inheritdoc />
    public Task<long> GetRevisionAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT revision FROM provisioning_revision WHERE id = 1";
            return command.ExecuteScalar() is long revision ? revision : 0L;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<StoredPreset?> GetPresetAsync(string name, CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, document, updated_at, updated_by FROM presets WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            using var r = command.ExecuteReader();
            return r.Read() ? ReadPreset(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredPreset>> ListPresetsAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<StoredPreset>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, document, updated_at, updated_by FROM presets ORDER BY name";
            using var r = command.ExecuteReader();
            var presets = new List<StoredPreset>();
            while (r.Read())
            {
                presets.Add(ReadPreset(r));
            }

            return presets;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutPresetAsync(StoredPreset preset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return db.WriteAsync(transaction =>
        {
            var created = !Exists(transaction, "SELECT 1 FROM presets WHERE name = $name", preset.Name, null);
            using var command = Command(transaction, """
                INSERT INTO presets (name, document, updated_at, updated_by) VALUES ($name, $document, $at, $by)
                ON CONFLICT (name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """);
            command.Parameters.AddWithValue("$name", preset.Name);
            command.Parameters.AddWithValue("$document", preset.Document);
            command.Parameters.AddWithValue("$at", preset.UpdatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$by", preset.UpdatedBy);
            command.ExecuteNonQuery();
            BumpRevision(transaction);
            return created;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeletePresetAsync(string name, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "DELETE FROM presets WHERE name = $name");
            command.Parameters.AddWithValue("$name", name);
            var deleted = command.ExecuteNonQuery() == 1;
            if (deleted)
            {
                BumpRevision(transaction);
            }

            return deleted;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<StoredScript?> GetScriptAsync(ScriptKind kind, string name, CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {ScriptColumns} FROM scripts WHERE kind = $kind AND name = $name";
            command.Parameters.AddWithValue("$kind", (int)kind);
            command.Parameters.AddWithValue("$name", name);
            using var r = command.ExecuteReader();
            return r.Read() ? ReadScript(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredScript>> ListScriptsAsync(ScriptKind kind, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<StoredScript>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {ScriptColumns} FROM scripts WHERE kind = $kind ORDER BY name";
            command.Parameters.AddWithValue("$kind", (int)kind);
            using var r = command.ExecuteReader();
            var scripts = new List<StoredScript>();
            while (r.Read())
            {
                scripts.Add(ReadScript(r));
            }

            return scripts;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutScriptAsync(StoredScript script, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(script);
        return db.WriteAsync(transaction =>
        {
            var created = !Exists(transaction, "SELECT 1 FROM scripts WHERE name = $name AND kind = $kind", script.Name, (int)script.Kind);
            using var command = Command(transaction, """
                INSERT INTO scripts (kind, name, body, sha256, updated_at, updated_by) VALUES ($kind, $name, $body, $sha, $at, $by)
                ON CONFLICT (kind, name) DO UPDATE SET body = excluded.body, sha256 = excluded.sha256, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """);
            command.Parameters.AddWithValue("$kind", (int)script.Kind);
            command.Parameters.AddWithValue("$name", script.Name);
            command.Parameters.AddWithValue("$body", script.Body);
            command.Parameters.AddWithValue("$sha", script.Sha256);
            command.Parameters.AddWithValue("$at", script.UpdatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$by", script.UpdatedBy);
            command.ExecuteNonQuery();
            BumpRevision(transaction);
            return created;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteScriptAsync(ScriptKind kind, string name, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "DELETE FROM scripts WHERE kind = $kind AND name = $name");
            command.Parameters.AddWithValue("$kind", (int)kind);
            command.Parameters.AddWithValue("$name", name);
            var deleted = command.ExecuteNonQuery() == 1;
            if (deleted)
            {
                BumpRevision(transaction);
            }

            return deleted;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ChannelFault>> ListChannelFaultsAsync(DeviceId? id, Filter? filter, int limit, CancellationToken cancellationToken)
    {
        var bound = Math.Clamp(limit, 1, 10_000);
        if (filter is null)
        {
            // Every provisioning session reads its device's faults this way: constant SQL, on a statement the reader
            // connection keeps prepared, instead of parsing and planning it again each session.
            return db.ReadAsync<IReadOnlyList<ChannelFault>>(connection =>
            {
                var statement = connection.Raw(FaultsSql("1", filtered: false));
                try
                {
                    statement.Bind("$id", id?.ToString());
                    statement.Bind("$limit", bound);
                    var faults = new List<ChannelFault>();
                    while (statement.Step())
                    {
                        Add(faults, statement);
                    }

                    return faults;
                }
                finally
                {
                    statement.Reset();
                }
            }, cancellationToken);
        }

        var where = SqliteFilter.Compile(filter);
        return db.ReadAsync<IReadOnlyList<ChannelFault>>(connection =>
        {
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Fixed SQL fragments only; every filter value is a bound parameter (SqliteFilter).
            command.CommandText = FaultsSql(where.Sql, filtered: true);
#pragma warning restore CA2100
            where.Bind(command);
            command.Parameters.AddWithValue("$id", (object?)id?.ToString() ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", bound);
            using var r = command.ExecuteReader();
            var faults = new List<ChannelFault>();
            while (r.Read())
            {
                Add(faults, new ReaderRow(r));
            }

            return faults;
        }, cancellationToken);

        static void Add<TRow>(List<ChannelFault> faults, TRow row)
            where TRow : IRow
        {
            if (ReadFault(row) is { } fault)
            {
                faults.Add(fault);
            }
        }
    }

    // Without a filter, faults of devices not stored yet (a first session that faulted) are listed too.
    private static string FaultsSql(string where, bool filtered) =>
        $"SELECT {FaultColumns} FROM channel_faults f {(filtered ? "JOIN" : "LEFT JOIN")} devices d ON d.id = f.device_id WHERE ($id IS NULL OR f.device_id = $id) AND {where} ORDER BY f.timestamp DESC, f.device_id, f.channel LIMIT $limit";

    /// <inheritdoc />
    public Task PutChannelFaultAsync(ChannelFault fault, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fault);
        return db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, """
                INSERT INTO channel_faults (device_id, channel, code, message, detail, provisions, retries, timestamp, retry_at, expires_at)
                VALUES ($device, $channel, $code, $message, $detail, $provisions, $retries, $at, $retry, $expires)
                ON CONFLICT (device_id, channel) DO UPDATE SET code = excluded.code, message = excluded.message, detail = excluded.detail,
                    provisions = excluded.provisions, retries = excluded.retries, timestamp = excluded.timestamp,
                    retry_at = excluded.retry_at, expires_at = excluded.expires_at
                """);
            command.Parameters.AddWithValue("$device", fault.Device.ToString());
            command.Parameters.AddWithValue("$channel", fault.Channel);
            command.Parameters.AddWithValue("$code", fault.Code);
            command.Parameters.AddWithValue("$message", fault.Message);
            command.Parameters.AddWithValue("$detail", DeviceRow.Db(fault.Detail));
            command.Parameters.AddWithValue("$provisions", JsonSerializer.Serialize(fault.Provisions, ProvisioningJson.Default.IReadOnlyListString));
            command.Parameters.AddWithValue("$retries", fault.Retries);
            command.Parameters.AddWithValue("$at", fault.Timestamp.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$retry", fault.RetryAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$expires", fault.ExpiresAt.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ClearChannelFaultAsync(DeviceId id, string channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "DELETE FROM channel_faults WHERE device_id = $device AND channel = $channel");
            command.Parameters.AddWithValue("$device", id.ToString());
            command.Parameters.AddWithValue("$channel", channel);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteExpiredChannelFaultsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, """
                DELETE FROM channel_faults WHERE (device_id, channel) IN (SELECT device_id, channel FROM channel_faults WHERE expires_at <= $now ORDER BY expires_at LIMIT $limit)
                """);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 100_000));
            return command.ExecuteNonQuery();
        }, cancellationToken);

    private static bool Exists(SqliteTransaction transaction, string sql, string name, int? kind)
    {
        using var command = Command(transaction, sql);
        command.Parameters.AddWithValue("$name", name);
        if (kind is { } k)
        {
            command.Parameters.AddWithValue("$kind", k);
        }

        return command.ExecuteScalar() is not null;
    }

    private static void BumpRevision(SqliteTransaction transaction)
    {
        using var command = Command(transaction, "UPDATE provisioning_revision SET revision = revision + 1 WHERE id = 1");
        command.ExecuteNonQuery();
    }

    private static StoredPreset ReadPreset(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), DeviceRow.Time(r.GetInt64(2)), r.GetString(3));

    private static StoredScript ReadScript(SqliteDataReader r) =>
        new((ScriptKind)r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), DeviceRow.Time(r.GetInt64(4)), r.GetString(5));

    private static ChannelFault? ReadFault<TRow>(TRow r)
        where TRow : IRow
    {
        if (!DeviceId.TryParse(r.GetString(0), out var device))
        {
            return null;
        }

        var provisions = new EquatableList<string>(JsonSerializer.Deserialize(r.GetString(5), ProvisioningJson.Default.IReadOnlyListString) ?? []);
        return new ChannelFault(device, r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), provisions,
            (int)r.GetInt64(6), DeviceRow.Time(r.GetInt64(7)), DeviceRow.Time(r.GetInt64(8)), DeviceRow.Time(r.GetInt64(9)));
    }
}
