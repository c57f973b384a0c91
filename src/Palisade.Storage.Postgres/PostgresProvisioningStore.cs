using System.Text.Json;
using Npgsql;
using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;
using Palisade.Cwmp;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Presets, provisions, virtual parameters and channel faults. Every write of a preset or script raises the one
/// revision row in its transaction, so a node that caches the policy sees another node's change at its next check.
/// </summary>
internal sealed class PostgresProvisioningStore(PostgresDatabase db) : IProvisioningStore
{
    private const string ScriptColumns = "kind, name, body, sha256, updated_at, updated_by";
    private const string FaultColumns = "f.device_id, f.channel, f.code, f.message, f.detail, f.provisions, f.retries, f.timestamp, f.retry_at, f.expires_at";

    /// <inheritdoc />
    public Task<long> GetRevisionAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, "SELECT revision FROM provisioning_revision WHERE id = 1");
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long revision ? revision : 0L;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<StoredPreset?> GetPresetAsync(string name, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, "SELECT name, document, updated_at, updated_by FROM presets WHERE name = $1").With(Parameters.Text(name));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadPreset(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredPreset>> ListPresetsAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<StoredPreset>>(async connection =>
        {
            await using var command = Command(connection, null, "SELECT name, document, updated_at, updated_by FROM presets ORDER BY name");
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var presets = new List<StoredPreset>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                presets.Add(ReadPreset(r));
            }

            return presets;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutPresetAsync(StoredPreset preset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return db.WriteAsync(async (connection, transaction) =>
        {
            // xmax = 0 on the returned row: it was inserted, not updated.
            await using var command = Command(connection, transaction, """
                INSERT INTO presets (name, document, updated_at, updated_by) VALUES ($1, $2, $3, $4)
                ON CONFLICT (name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                RETURNING (xmax = 0)
                """).With(Parameters.Text(preset.Name), Parameters.Text(preset.Document), Parameters.Time(preset.UpdatedAt), Parameters.Text(preset.UpdatedBy));
            var created = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await BumpRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            return created;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeletePresetAsync(string name, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM presets WHERE name = $1").With(Parameters.Text(name));
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            if (deleted)
            {
                await BumpRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            }

            return deleted;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<StoredScript?> GetScriptAsync(ScriptKind kind, string name, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {ScriptColumns} FROM scripts WHERE kind = $1 AND name = $2").With(Parameters.Int((int)kind), Parameters.Text(name));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadScript(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredScript>> ListScriptsAsync(ScriptKind kind, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<StoredScript>>(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {ScriptColumns} FROM scripts WHERE kind = $1 ORDER BY name").With(Parameters.Int((int)kind));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var scripts = new List<StoredScript>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                scripts.Add(ReadScript(r));
            }

            return scripts;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutScriptAsync(StoredScript script, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(script);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, """
                INSERT INTO scripts (kind, name, body, sha256, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (kind, name) DO UPDATE SET body = excluded.body, sha256 = excluded.sha256, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                RETURNING (xmax = 0)
                """).With(Parameters.Int((int)script.Kind), Parameters.Text(script.Name), Parameters.Text(script.Body), Parameters.Text(script.Sha256),
                    Parameters.Time(script.UpdatedAt), Parameters.Text(script.UpdatedBy));
            var created = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            await BumpRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            return created;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteScriptAsync(ScriptKind kind, string name, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM scripts WHERE kind = $1 AND name = $2").With(Parameters.Int((int)kind), Parameters.Text(name));
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            if (deleted)
            {
                await BumpRevisionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            }

            return deleted;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ChannelFault>> ListChannelFaultsAsync(DeviceId? id, Filter? filter, int limit, CancellationToken cancellationToken)
    {
        // Without a filter, faults of devices not stored yet (a first session that faulted) are listed too.
        var where = PostgresFilter.Compile(filter, firstParameter: 3);
        var join = filter is null ? "LEFT JOIN" : "JOIN";
        return db.ReadAsync<IReadOnlyList<ChannelFault>>(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {FaultColumns} FROM channel_faults f {join} devices d ON d.id = f.device_id WHERE ($1::text IS NULL OR f.device_id = $1) AND {where.Sql} ORDER BY f.timestamp DESC, f.device_id, f.channel LIMIT $2")
                .With(Parameters.Text(id?.ToString()), Parameters.Int(Math.Clamp(limit, 1, 10_000)));
            where.Bind(command);
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var faults = new List<ChannelFault>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (ReadFault(r) is { } fault)
                {
                    faults.Add(fault);
                }
            }

            return faults;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task PutChannelFaultAsync(ChannelFault fault, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fault);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, """
                INSERT INTO channel_faults (device_id, channel, code, message, detail, provisions, retries, timestamp, retry_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (device_id, channel) DO UPDATE SET code = excluded.code, message = excluded.message, detail = excluded.detail,
                    provisions = excluded.provisions, retries = excluded.retries, timestamp = excluded.timestamp,
                    retry_at = excluded.retry_at, expires_at = excluded.expires_at
                """).With(
                Parameters.Text(fault.Device.ToString()), Parameters.Text(fault.Channel), Parameters.Text(fault.Code), Parameters.Text(fault.Message),
                Parameters.Text(fault.Detail), Parameters.Text(JsonSerializer.Serialize(fault.Provisions, PgProvisioningJson.Default.IReadOnlyListString)),
                Parameters.Int(fault.Retries), Parameters.Time(fault.Timestamp), Parameters.Time(fault.RetryAt), Parameters.Time(fault.ExpiresAt));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ClearChannelFaultAsync(DeviceId id, string channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM channel_faults WHERE device_id = $1 AND channel = $2")
                .With(Parameters.Text(id.ToString()), Parameters.Text(channel));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> DeleteExpiredChannelFaultsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, """
                DELETE FROM channel_faults WHERE (device_id, channel) IN (SELECT device_id, channel FROM channel_faults WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)
                """).With(Parameters.Time(now), Parameters.Int(Math.Clamp(limit, 1, 100_000)));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private static async Task BumpRevisionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "UPDATE provisioning_revision SET revision = revision + 1 WHERE id = 1");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static StoredPreset ReadPreset(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), PgDeviceRow.Time(r.GetInt64(2)), r.GetString(3));

    private static StoredScript ReadScript(NpgsqlDataReader r) =>
        new((ScriptKind)r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), PgDeviceRow.Time(r.GetInt64(4)), r.GetString(5));

    private static ChannelFault? ReadFault(NpgsqlDataReader r)
    {
        if (!DeviceId.TryParse(r.GetString(0), out var device))
        {
            return null;
        }

        var provisions = new EquatableList<string>(JsonSerializer.Deserialize(r.GetString(5), PgProvisioningJson.Default.IReadOnlyListString) ?? []);
        return new ChannelFault(device, r.GetString(1), r.GetString(2), r.GetString(3), PgDeviceRow.Text(r, 4), provisions,
            r.GetInt32(6), PgDeviceRow.Time(r.GetInt64(7)), PgDeviceRow.Time(r.GetInt64(8)), PgDeviceRow.Time(r.GetInt64(9)));
    }
}
