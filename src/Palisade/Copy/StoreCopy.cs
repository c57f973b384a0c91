using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using NpgsqlTypes;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Storage.Postgres;
using Palisade.Storage.Sqlite;

namespace Palisade.Copy;

/// <summary>
/// Copies an embedded store (the SQLite file of a data folder) into an empty PostgreSQL store, table by table, row for
/// row, then checks that every table holds as many rows as the source and that the audit chain is intact and ends at
/// the same entry. It reads the SQLite file in one read transaction (a consistent snapshot) and knows every column
/// of it: a table or column it does not know (a newer Palisade's) stops the copy instead of being left behind.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1849:Call async methods when in an async method", Justification = "Microsoft.Data.Sqlite's async methods run synchronously underneath; a row's columns are in memory once read.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Constant statements and the store's own table names only.")]
internal sealed class StoreCopy(string dataDirectory, PostgresStoreOptions target, Action<string> report)
{
    // The SQLite select for each PostgreSQL table, columns in PostgresImport's order.
    private static readonly Dictionary<string, string> Selects = new(StringComparer.Ordinal)
    {
        ["devices"] = "SELECT rowid, " + string.Join(", ", PostgresImport.Tables[0].Columns.Skip(1).Select(c => c.Name)) + " FROM devices ORDER BY rowid",
        ["paths"] = "SELECT id, path FROM paths ORDER BY id",
        ["parameters"] = "SELECT p.device, p.path, p.value, t.name, p.writable, p.notification, p.access_list, p.read_at FROM parameters p LEFT JOIN types t ON t.id = p.type",
        ["tags"] = "SELECT tag, device FROM tags",
        ["tasks"] = "SELECT id, device, name, payload, status, created_at, expires_at, attempts, updated_at, result, fault_code, fault_string, fault_detail FROM tasks ORDER BY id",
        ["device_events"] = "SELECT id, device, at, code, command_key, detail FROM device_events ORDER BY id",
        ["blocked_devices"] = "SELECT id, blocked_at FROM blocked_devices",
        ["users"] = "SELECT id, name, role, password_hash, failed_logins, locked_until, created_at FROM users ORDER BY id",
        ["api_keys"] = "SELECT id, name, role, secret_hash, device_filter, created_at, expires_at, revoked_at, created_by FROM api_keys",
        ["audit"] = "SELECT seq, at, actor, source, action, target, detail, prev_hash, hash FROM audit ORDER BY seq",
        ["presets"] = "SELECT name, document, updated_at, updated_by FROM presets",
        ["scripts"] = "SELECT kind, name, body, sha256, updated_at, updated_by FROM scripts",
        ["channel_faults"] = "SELECT device_id, channel, code, message, detail, provisions, retries, timestamp, retry_at, expires_at FROM channel_faults",
        ["saved_searches"] = "SELECT owner, name, query, created_at FROM saved_searches",
        ["campaigns"] = "SELECT id, name, file_name, file_sha256, version, filter, plan, state, halt_reason, stage, created_at, created_by, updated_at FROM campaigns ORDER BY id",
        ["campaign_devices"] = "SELECT campaign, device_id, stage, state, reason, task_id, started_at, finished_at, active FROM campaign_devices",
        ["scheduled_backups"] = "SELECT device_id, preset, window_start FROM scheduled_backups",
    };

    // Every column of the embedded store this copy carries over (or, for these, knowingly leaves: the interned type
    // names are joined into parameters; the key check and migration records belong to each store).
    private static readonly Dictionary<string, string[]> Known = new(StringComparer.Ordinal)
    {
        ["devices"] = ["rowid", .. PostgresImport.Tables[0].Columns.Skip(1).Select(c => c.Name)],
        ["paths"] = ["id", "path"],
        ["types"] = ["id", "name"],
        ["parameters"] = ["device", "path", "value", "type", "writable", "notification", "access_list", "read_at"],
        ["tags"] = ["tag", "device"],
        ["tasks"] = ["id", "device", "name", "payload", "status", "created_at", "expires_at", "attempts", "updated_at", "result", "fault_code", "fault_string", "fault_detail"],
        ["device_events"] = ["id", "device", "at", "code", "command_key", "detail"],
        ["blocked_devices"] = ["id", "blocked_at"],
        ["users"] = ["id", "name", "role", "password_hash", "failed_logins", "locked_until", "created_at"],
        ["api_keys"] = ["id", "name", "role", "secret_hash", "device_filter", "created_at", "expires_at", "revoked_at", "created_by"],
        ["audit"] = ["seq", "at", "actor", "source", "action", "target", "detail", "prev_hash", "hash"],
        ["presets"] = ["name", "document", "updated_at", "updated_by"],
        ["scripts"] = ["kind", "name", "body", "sha256", "updated_at", "updated_by"],
        ["provisioning_revision"] = ["id", "revision"],
        ["channel_faults"] = ["device_id", "channel", "code", "message", "detail", "provisions", "retries", "timestamp", "retry_at", "expires_at"],
        ["saved_searches"] = ["owner", "name", "query", "created_at"],
        ["campaigns"] = ["id", "name", "file_name", "file_sha256", "version", "filter", "plan", "state", "halt_reason", "stage", "created_at", "created_by", "updated_at"],
        ["campaign_devices"] = ["campaign", "device_id", "stage", "state", "reason", "task_id", "started_at", "finished_at", "active"],
        ["scheduled_backups"] = ["device_id", "preset", "window_start"],
        ["files"] = ["name", "file_type", "version", "oui", "product_class", "model_name", "sha256", "size", "signature", "operator_signature", "device_id", "created_at", "created_by"],
        ["store_key_check"] = ["id", "canary"],
        ["schema_version"] = ["version"],
        ["schema_migrations"] = ["version"],
    };

    /// <summary>Copies and checks; false (with what differs reported) when the check fails.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        // Opening migrates the embedded store to this build's schema, as serve would: the columns below are then its.
        await using (SqliteStore.Open(new SqliteStoreOptions { DataDirectory = dataDirectory }))
        {
        }

        var source = new SqliteStoreOptions { DataDirectory = dataDirectory };
        await using var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await sqlite.OpenAsync(cancellationToken);
        CheckKnown(sqlite);
        await using var snapshot = (SqliteTransaction)await sqlite.BeginTransactionAsync(cancellationToken);

        var expected = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var import = await PostgresImport.BeginAsync(target, cancellationToken))
        {
            foreach (var table in PostgresImport.Tables)
            {
                var total = Count(sqlite, snapshot, table.Name);
                expected[table.Name] = total;
                var copied = await import.CopyAsync(table, RowsAsync(sqlite, snapshot, table, import, cancellationToken),
                    n => report(string.Create(CultureInfo.InvariantCulture, $"{table.Name}: {n:N0} of {total:N0}")), cancellationToken);
                if (copied != total)
                {
                    throw new InvalidDataException($"{table.Name}: read {copied} rows, the file counts {total}; nothing was copied.");
                }
            }

            using (var revision = new SqliteCommand("SELECT revision FROM provisioning_revision WHERE id = 1", sqlite, snapshot))
            {
                await import.SetProvisioningRevisionAsync(revision.ExecuteScalar() is long r ? r : 0, cancellationToken);
            }

            report("committing");
            await import.CommitAsync(cancellationToken);
            var files = await CopyFilesAsync(import.Store, cancellationToken);
            return await CheckAsync(import, sqlite, snapshot, expected, cancellationToken) && files;
        }
    }

    // Files go through the file stores themselves: their content is in the data folder here and in the database there.
    private async Task<bool> CopyFilesAsync(IPalisadeStore target, CancellationToken cancellationToken)
    {
        await using var source = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = dataDirectory });
        string? after = null;
        var copied = 0;
        while (true)
        {
            var page = await source.ListFilesAsync(null, after, 500, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var file in page)
            {
                await using var content = await source.OpenContentAsync(file.Sha256, cancellationToken);
                if (content is null)
                {
                    report($"check failed: the content of file {file.Name} ({file.Sha256}) is missing from the data folder");
                    return false;
                }

                await target.PutFileAsync(file, content, cancellationToken);
                copied++;
            }

            after = page[^1].Name;
        }

        report(string.Create(CultureInfo.InvariantCulture, $"files: {copied:N0}"));
        return true;
    }

    private async Task<bool> CheckAsync(PostgresImport import, SqliteConnection sqlite, SqliteTransaction snapshot, Dictionary<string, long> expected, CancellationToken cancellationToken)
    {
        var intact = true;
        foreach (var table in PostgresImport.Tables)
        {
            var count = await import.CountAsync(table, cancellationToken);
            if (count != expected[table.Name])
            {
                report(string.Create(CultureInfo.InvariantCulture, $"check failed: {table.Name} holds {count} rows, the embedded store {expected[table.Name]}"));
                intact = false;
            }
        }

        var audit = await import.Store.VerifyAuditAsync(cancellationToken);
        using var head = new SqliteCommand("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", sqlite, snapshot);
        using var reader = head.ExecuteReader();
        var sourceHead = reader.Read() ? new Acs.Access.AuditCheckpoint(reader.GetInt64(0), reader.GetString(1)) : null;
        if (!audit.Intact || audit.Head != sourceHead)
        {
            report($"check failed: the audit chain is {(audit.Intact ? "intact" : "broken: " + audit.Problem)}, ends at {audit.Head?.ToString() ?? "nothing"}, the embedded store's at {sourceHead?.ToString() ?? "nothing"}");
            intact = false;
        }

        report(intact
            ? string.Create(CultureInfo.InvariantCulture, $"done: {expected["devices"]:N0} devices, {expected["parameters"]:N0} parameters, {expected["tasks"]:N0} tasks, {expected["users"]:N0} users, {expected["api_keys"]:N0} keys, {expected["audit"]:N0} audit entries (chain intact, head {audit.Head?.ToString() ?? "empty"})")
            : "the copy was committed but does not match: do not serve from it; drop the database and copy again.");
        return intact;
    }

    private static void CheckKnown(SqliteConnection sqlite)
    {
        var tables = new List<string>();
        using (var list = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", sqlite))
        using (var reader = list.ExecuteReader())
        {
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            if (!Known.TryGetValue(table, out var columns))
            {
                throw new InvalidDataException($"The embedded store has a table this build cannot copy ({table}); copy with the Palisade build that serves it.");
            }

            using var info = new SqliteCommand("SELECT name FROM pragma_table_info($table)", sqlite);
            info.Parameters.AddWithValue("$table", table);
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                if (!columns.Contains(reader.GetString(0), StringComparer.Ordinal))
                {
                    throw new InvalidDataException($"The embedded store's {table} table has a column this build cannot copy ({reader.GetString(0)}); copy with the Palisade build that serves it.");
                }
            }
        }
    }

    private static long Count(SqliteConnection sqlite, SqliteTransaction snapshot, string table)
    {
        using var command = new SqliteCommand(Selects.ContainsKey(table) ? $"SELECT count(*) FROM {table}" : throw new ArgumentException($"No such table {table}.", nameof(table)), sqlite, snapshot);
        return (long)command.ExecuteScalar()!;
    }

    private static async IAsyncEnumerable<object?[]> RowsAsync(SqliteConnection sqlite, SqliteTransaction snapshot, ImportTable table, PostgresImport import, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = new SqliteCommand(Selects[table.Name], sqlite, snapshot);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[table.Columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert(reader.GetValue(i), table.Columns[i].Type);
            }

            if (table.Name == "devices")
            {
                row[23] = Password(reader, import, 23);
            }

            yield return row;
        }
    }

    // A connection-request password: sealed with the data folder's store.key, which the PostgreSQL store uses too, so
    // the sealed value moves as it is (checked); one from before sealing (text) is sealed now.
    private static byte[]? Password(SqliteDataReader reader, PostgresImport import, int column)
    {
        if (reader.IsDBNull(column))
        {
            return null;
        }

        var id = new DeviceId(reader.GetString(2), reader.GetString(3), reader.GetString(4));
        if (reader.GetValue(column) is string clear)
        {
            return import.SealConnectionRequestPassword(id, clear);
        }

        var sealedValue = (byte[])reader.GetValue(column);
        return import.OpensWithStoreKey(id, sealedValue)
            ? sealedValue
            : throw new StoreException(StoreErrorReason.Rejected, $"The connection-request password of {id} does not open with the store key in use; copy with the data folder's own store.key.");
    }

    private static object Convert(object value, NpgsqlDbType type) => type switch
    {
        NpgsqlDbType.Boolean => System.Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
        NpgsqlDbType.Integer => System.Convert.ToInt32(value, CultureInfo.InvariantCulture),
        NpgsqlDbType.Bigint => System.Convert.ToInt64(value, CultureInfo.InvariantCulture),
        NpgsqlDbType.Text => value as string ?? System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => value,
    };
}
