using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Fills an empty PostgreSQL store with rows from another store (<c>palisade db copy</c>), row for row: the same
/// device keys, task ids, path ids and audit entries (their hashes unchanged, so the chain stays intact). Everything
/// goes through binary COPY in one transaction: a copy that fails half-way leaves the database as empty as it was.
/// </summary>
public sealed class PostgresImport : IAsyncDisposable
{
    /// <summary>The tables in the order they are filled (a row's references come first), with their columns and types.</summary>
    public static readonly IReadOnlyList<ImportTable> Tables =
    [
        new("devices", [
            ("key", NpgsqlDbType.Bigint), ("id", NpgsqlDbType.Text), ("oui", NpgsqlDbType.Text), ("product_class", NpgsqlDbType.Text),
            ("serial_number", NpgsqlDbType.Text), ("manufacturer", NpgsqlDbType.Text), ("registered_at", NpgsqlDbType.Bigint),
            ("last_inform_at", NpgsqlDbType.Bigint), ("last_boot_at", NpgsqlDbType.Bigint), ("last_bootstrap_at", NpgsqlDbType.Bigint),
            ("last_events", NpgsqlDbType.Text), ("cwmp_version", NpgsqlDbType.Text), ("remote_address", NpgsqlDbType.Text),
            ("transport", NpgsqlDbType.Text), ("auth_method", NpgsqlDbType.Text), ("data_model_root", NpgsqlDbType.Text),
            ("username", NpgsqlDbType.Text), ("ha1_md5", NpgsqlDbType.Bytea), ("ha1_sha256", NpgsqlDbType.Bytea), ("enrolled", NpgsqlDbType.Boolean),
            ("certificate_thumbprint", NpgsqlDbType.Text), ("cr_url", NpgsqlDbType.Text), ("cr_username", NpgsqlDbType.Text),
            ("cr_password", NpgsqlDbType.Bytea), ("cr_udp_address", NpgsqlDbType.Text), ("periodic_interval", NpgsqlDbType.Bigint),
            ("acs_url", NpgsqlDbType.Text), ("software_version", NpgsqlDbType.Text), ("acs_url_set_at", NpgsqlDbType.Bigint),
            ("bootstrap_expected", NpgsqlDbType.Boolean), ("previous_username", NpgsqlDbType.Text), ("previous_ha1_md5", NpgsqlDbType.Bytea),
            ("previous_ha1_sha256", NpgsqlDbType.Bytea)], "key"),
        new("paths", [("id", NpgsqlDbType.Bigint), ("path", NpgsqlDbType.Text)], "id"),
        new("parameters", [
            ("device", NpgsqlDbType.Bigint), ("path", NpgsqlDbType.Bigint), ("value", NpgsqlDbType.Text), ("type", NpgsqlDbType.Text),
            ("writable", NpgsqlDbType.Boolean), ("notification", NpgsqlDbType.Integer), ("access_list", NpgsqlDbType.Text), ("read_at", NpgsqlDbType.Bigint)], null),
        new("tags", [("tag", NpgsqlDbType.Text), ("device", NpgsqlDbType.Bigint)], null),
        new("tasks", [
            ("id", NpgsqlDbType.Bigint), ("device", NpgsqlDbType.Bigint), ("name", NpgsqlDbType.Text), ("payload", NpgsqlDbType.Text),
            ("status", NpgsqlDbType.Integer), ("created_at", NpgsqlDbType.Bigint), ("expires_at", NpgsqlDbType.Bigint), ("attempts", NpgsqlDbType.Integer),
            ("updated_at", NpgsqlDbType.Bigint), ("result", NpgsqlDbType.Text), ("fault_code", NpgsqlDbType.Integer), ("fault_string", NpgsqlDbType.Text),
            ("fault_detail", NpgsqlDbType.Text)], "id"),
        new("device_events", [
            ("id", NpgsqlDbType.Bigint), ("device", NpgsqlDbType.Bigint), ("at", NpgsqlDbType.Bigint), ("code", NpgsqlDbType.Text),
            ("command_key", NpgsqlDbType.Text), ("detail", NpgsqlDbType.Text)], "id"),
        new("blocked_devices", [("id", NpgsqlDbType.Text), ("blocked_at", NpgsqlDbType.Bigint)], null),
        new("users", [
            ("id", NpgsqlDbType.Bigint), ("name", NpgsqlDbType.Text), ("role", NpgsqlDbType.Text), ("password_hash", NpgsqlDbType.Text),
            ("failed_logins", NpgsqlDbType.Integer), ("locked_until", NpgsqlDbType.Bigint), ("created_at", NpgsqlDbType.Bigint)], "id"),
        new("api_keys", [
            ("id", NpgsqlDbType.Text), ("name", NpgsqlDbType.Text), ("role", NpgsqlDbType.Text), ("secret_hash", NpgsqlDbType.Bytea),
            ("device_filter", NpgsqlDbType.Text), ("created_at", NpgsqlDbType.Bigint), ("expires_at", NpgsqlDbType.Bigint),
            ("revoked_at", NpgsqlDbType.Bigint), ("created_by", NpgsqlDbType.Text)], null),
        new("audit", [
            ("seq", NpgsqlDbType.Bigint), ("at", NpgsqlDbType.Bigint), ("actor", NpgsqlDbType.Text), ("source", NpgsqlDbType.Text),
            ("action", NpgsqlDbType.Text), ("target", NpgsqlDbType.Text), ("detail", NpgsqlDbType.Text), ("prev_hash", NpgsqlDbType.Text),
            ("hash", NpgsqlDbType.Text)], null),
        new("presets", [("name", NpgsqlDbType.Text), ("document", NpgsqlDbType.Text), ("updated_at", NpgsqlDbType.Bigint), ("updated_by", NpgsqlDbType.Text)], null),
        new("scripts", [
            ("kind", NpgsqlDbType.Integer), ("name", NpgsqlDbType.Text), ("body", NpgsqlDbType.Text), ("sha256", NpgsqlDbType.Text),
            ("updated_at", NpgsqlDbType.Bigint), ("updated_by", NpgsqlDbType.Text)], null),
        new("channel_faults", [
            ("device_id", NpgsqlDbType.Text), ("channel", NpgsqlDbType.Text), ("code", NpgsqlDbType.Text), ("message", NpgsqlDbType.Text),
            ("detail", NpgsqlDbType.Text), ("provisions", NpgsqlDbType.Text), ("retries", NpgsqlDbType.Integer), ("timestamp", NpgsqlDbType.Bigint),
            ("retry_at", NpgsqlDbType.Bigint), ("expires_at", NpgsqlDbType.Bigint)], null),
        new("saved_searches", [("owner", NpgsqlDbType.Text), ("name", NpgsqlDbType.Text), ("query", NpgsqlDbType.Text), ("created_at", NpgsqlDbType.Bigint)], null),
        new("campaigns", [
            ("id", NpgsqlDbType.Bigint), ("name", NpgsqlDbType.Text), ("file_name", NpgsqlDbType.Text), ("file_sha256", NpgsqlDbType.Text),
            ("version", NpgsqlDbType.Text), ("filter", NpgsqlDbType.Text), ("plan", NpgsqlDbType.Text), ("state", NpgsqlDbType.Integer),
            ("halt_reason", NpgsqlDbType.Text), ("stage", NpgsqlDbType.Integer), ("created_at", NpgsqlDbType.Bigint), ("created_by", NpgsqlDbType.Text),
            ("updated_at", NpgsqlDbType.Bigint)], "id"),
        new("campaign_devices", [
            ("campaign", NpgsqlDbType.Bigint), ("device_id", NpgsqlDbType.Text), ("stage", NpgsqlDbType.Integer), ("state", NpgsqlDbType.Integer),
            ("reason", NpgsqlDbType.Text), ("task_id", NpgsqlDbType.Bigint), ("started_at", NpgsqlDbType.Bigint), ("finished_at", NpgsqlDbType.Bigint),
            ("active", NpgsqlDbType.Boolean)], null),
        new("scheduled_backups", [("device_id", NpgsqlDbType.Text), ("preset", NpgsqlDbType.Text), ("window_start", NpgsqlDbType.Bigint)], null),
    ];

    private readonly PostgresStore _store;
    private readonly ConnectionStack.Rented _rented;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private bool _committed;

    private PostgresImport(PostgresStore store, ConnectionStack.Rented rented, NpgsqlTransaction transaction)
    {
        _store = store;
        _rented = rented;
        _connection = rented.Connection;
        _transaction = transaction;
    }

    /// <summary>The store being filled (read it after <see cref="CommitAsync"/>).</summary>
    public IPalisadeStore Store => _store;

    /// <summary>Opens (creating and migrating) the store and starts the copy; refuses a store that holds anything already.</summary>
    /// <exception cref="StoreException">The database cannot be used, or is not empty.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The import owns the store, the connection and the transaction and disposes them.")]
    public static async Task<PostgresImport> BeginAsync(PostgresStoreOptions options, CancellationToken cancellationToken)
    {
        var store = await PostgresStore.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            var rented = await store.Database.Connections.RentAsync(cancellationToken).ConfigureAwait(false);
            var connection = rented.Connection;
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var import = new PostgresImport(store, rented, transaction);
            foreach (var table in Tables)
            {
                await using var any = PostgresDatabase.Command(connection, transaction, $"SELECT EXISTS (SELECT 1 FROM {table.Name})");
                if ((bool)(await any.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                {
                    await import.DisposeAsync().ConfigureAwait(false);
                    throw new StoreException(StoreErrorReason.Rejected, $"The PostgreSQL store is not empty (its {table.Name} table has rows): copy only into a new database.");
                }
            }

            return import;
        }
        catch (NpgsqlException e)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new StoreException(StoreErrorReason.Unavailable, $"Cannot start the copy: {e.Message}", e);
        }
    }

    /// <summary>The sealed form of a connection-request password for this store (for rows that hold it in clear text).</summary>
    public byte[] SealConnectionRequestPassword(DeviceId id, string password) => _store.Database.Secrets.Seal(password, PgDeviceRow.PasswordContext(id));

    /// <summary>True when <paramref name="sealedPassword"/> opens with this store's key for device <paramref name="id"/>.</summary>
    public bool OpensWithStoreKey(DeviceId id, byte[] sealedPassword)
    {
        try
        {
            _store.Database.Secrets.Open(sealedPassword, PgDeviceRow.PasswordContext(id));
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Copies <paramref name="rows"/> (values in <paramref name="table"/>'s column order) into it; reports the count every 10,000 rows.</summary>
    public async Task<long> CopyAsync(ImportTable table, IAsyncEnumerable<object?[]> rows, Action<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        if (!Tables.Contains(table))
        {
            throw new ArgumentException($"{table.Name} is not a table of the store.", nameof(table));
        }

        long count = 0;
        try
        {
            await using var writer = await _connection.BeginBinaryImportAsync(
                $"COPY {table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    if (row[i] is null)
                    {
                        await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await writer.WriteAsync(row[i], table.Columns[i].Type, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (++count % 10_000 == 0)
                {
                    progress?.Invoke(count);
                }
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (PostgresDatabase.WriteFailure(e) is { } failure)
        {
            throw failure;
        }

        progress?.Invoke(count);
        return count;
    }

    /// <summary>Sets the provisioning policy's revision (the one-row counter the copy carries over as it was).</summary>
    public async Task SetProvisioningRevisionAsync(long revision, CancellationToken cancellationToken)
    {
        await using var command = PostgresDatabase.Command(_connection, _transaction, "UPDATE provisioning_revision SET revision = $1 WHERE id = 1").With(Parameters.Long(revision));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves every identity past the copied rows and commits the whole copy.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var table in Tables.Where(t => t.Identity is not null))
            {
                await using var command = PostgresDatabase.Command(_connection, _transaction, string.Create(CultureInfo.InvariantCulture,
                    $"SELECT setval(pg_get_serial_sequence('{table.Name}', '{table.Identity}'), coalesce((SELECT max({table.Identity}) FROM {table.Name}), 0) + 1, false)"));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _committed = true;
        }
        catch (Exception e) when (PostgresDatabase.WriteFailure(e) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>The rows of <paramref name="table"/> now in the store (after <see cref="CommitAsync"/>).</summary>
    public async Task<long> CountAsync(ImportTable table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!Tables.Contains(table) || !_committed)
        {
            throw new InvalidOperationException("Count a store table after the copy is committed.");
        }

        await using var command = PostgresDatabase.Command(_connection, null, $"SELECT count(*) FROM {table.Name}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Not committed: disposing rolls the whole copy back.
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await _rented.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A table <see cref="PostgresImport"/> fills: its name, its columns in order with their types, and its identity column.</summary>
public sealed record ImportTable(string Name, IReadOnlyList<(string Name, NpgsqlDbType Type)> Columns, string? Identity);
