using System.Security.Cryptography;
using Npgsql;
using Palisade.Acs.Files;
using Palisade.Acs.Storage;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The file store in PostgreSQL: metadata in <c>files</c>, content once per SHA-256 in <c>file_contents</c> and
/// 1 MiB <c>file_chunks</c>, written in the same transaction as the metadata, so every node serves every file and a
/// failed write leaves nothing. A foreign key from the metadata to the content means no row ever names content that
/// is gone, whatever two nodes do at once.
/// </summary>
internal sealed class PostgresFileStore(PostgresDatabase db) : IFileStore
{
    /// <summary>The size of one chunk of content.</summary>
    public const int ChunkBytes = 1024 * 1024;

    private const string Columns = "name, file_type, version, oui, product_class, model_name, sha256, size, signature, operator_signature, device_id, created_at, created_by";

    /// <inheritdoc />
    public Task<StoredFile?> GetFileAsync(string name, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {Columns} FROM files WHERE name = $1").With(Parameters.Text(name));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredFile>> ListFilesAsync(string? device, string? after, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<StoredFile>>(async connection =>
        {
            await using var command = device is null
                ? Command(connection, null, $"SELECT {Columns} FROM files WHERE name > $1 ORDER BY name LIMIT $2").With(Parameters.Text(after ?? string.Empty), Parameters.Int(Math.Clamp(limit, 1, 10_000)))
                : Command(connection, null, $"SELECT {Columns} FROM files WHERE device_id = $1 ORDER BY created_at DESC, name DESC LIMIT $2").With(Parameters.Text(device), Parameters.Int(Math.Clamp(limit, 1, 10_000)));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var files = new List<StoredFile>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                files.Add(Read(r));
            }

            return files;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<StoredFile?> FindFileForDeviceAsync(string fileType, string oui, string productClass, string modelName, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            // The partial index files_by_type (migration 100) finds the type's files; the rest is a filter and a sort of those.
            await using var command = Command(connection, null, $"""
                SELECT {Columns} FROM files
                WHERE device_id IS NULL AND file_type = $1
                  AND (oui IS NULL OR upper(oui) = upper($2))
                  AND (product_class IS NULL OR product_class = $3)
                  AND (model_name IS NULL OR model_name = $4)
                ORDER BY (oui IS NOT NULL)::int + (product_class IS NOT NULL)::int + (model_name IS NOT NULL)::int DESC, created_at DESC, name
                LIMIT 1
                """).With(Parameters.Text(fileType), Parameters.Text(oui), Parameters.Text(productClass), Parameters.Text(modelName));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutFileAsync(StoredFile file, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(content);
        if (!FileNames.IsSha256(file.Sha256))
        {
            throw new StoreException(StoreErrorReason.Rejected, "The file's SHA-256 is not 64 lower-case hex digits; nothing was written.");
        }

        return db.WriteAsync(async (connection, transaction) =>
        {
            await using (var claim = Command(connection, transaction, "INSERT INTO file_contents (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING RETURNING 1")
                .With(Parameters.Text(file.Sha256), Parameters.Long(file.Size)))
            {
                var isNew = await claim.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
                await CopyAsync(connection, transaction, content, file, isNew, cancellationToken).ConfigureAwait(false);
            }

            string? previous;
            await using (var lookup = Command(connection, transaction, "SELECT sha256 FROM files WHERE name = $1 FOR UPDATE").With(Parameters.Text(file.Name)))
            {
                previous = await lookup.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            }

            await using (var upsert = Command(connection, transaction, $"""
                INSERT INTO files ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                ON CONFLICT (name) DO UPDATE SET file_type = excluded.file_type, version = excluded.version, oui = excluded.oui,
                    product_class = excluded.product_class, model_name = excluded.model_name, sha256 = excluded.sha256, size = excluded.size,
                    signature = excluded.signature, operator_signature = excluded.operator_signature, device_id = excluded.device_id,
                    created_at = excluded.created_at, created_by = excluded.created_by
                """).With(
                    Parameters.Text(file.Name), Parameters.Text(file.FileType), Parameters.Text(file.Version), Parameters.Text(file.Oui), Parameters.Text(file.ProductClass),
                    Parameters.Text(file.ModelName), Parameters.Text(file.Sha256), Parameters.Long(file.Size), Parameters.Text(file.Signature),
                    Parameters.Text(file.OperatorSignature), Parameters.Text(file.Device), Parameters.Time(file.CreatedAt), Parameters.Text(file.CreatedBy)))
            {
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (previous is not null && previous != file.Sha256)
            {
                await RemoveIfUnreferencedAsync(connection, transaction, previous, cancellationToken).ConfigureAwait(false);
            }

            return previous is null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeviceTask?> QueueScheduledBackupAsync(Acs.Devices.DeviceId device, string preset, DateTimeOffset window, NewTask upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(upload);
        return db.WriteAsync(async (connection, transaction) =>
        {
            var key = await DeviceKeyAsync(connection, transaction, device.ToString(), cancellationToken).ConfigureAwait(false)
                ?? throw new StoreException(StoreErrorReason.NotFound, $"Device '{device}' is not registered.");
            await using (var mark = Command(connection, transaction, "INSERT INTO scheduled_backups (device_id, preset, window_start) VALUES ($1, $2, $3) " +
                "ON CONFLICT (device_id, preset) DO UPDATE SET window_start = excluded.window_start WHERE scheduled_backups.window_start < excluded.window_start")
                .With(Parameters.Text(device.ToString()), Parameters.Text(preset), Parameters.Time(window)))
            {
                if (await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    return null;
                }
            }

            long taskId;
            await using (var insert = Command(connection, transaction, PgTaskRows.Insert).With(PgTaskRows.InsertParameters(key, upload)))
            {
                taskId = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            return await PgTaskRows.ReadTaskAsync(connection, transaction, taskId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> ScheduledBackupWindowAsync(Acs.Devices.DeviceId device, string preset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, "SELECT window_start FROM scheduled_backups WHERE device_id = $1 AND preset = $2")
                .With(Parameters.Text(device.ToString()), Parameters.Text(preset));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long window ? DateTimeOffset.FromUnixTimeMilliseconds(window) : (DateTimeOffset?)null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteFileAsync(string name, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM files WHERE name = $1 RETURNING sha256").With(Parameters.Text(name));
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string sha)
            {
                return false;
            }

            await RemoveIfUnreferencedAsync(connection, transaction, sha, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetOperatorSignatureAsync(string name, string? signature, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "UPDATE files SET operator_signature = $2 WHERE name = $1").With(Parameters.Text(name), Parameters.Text(signature));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Stream?> OpenContentAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!FileNames.IsSha256(sha256))
        {
            return Task.FromResult<Stream?>(null);
        }

        return db.ReadAsync<Stream?>(async connection =>
        {
            await using var command = Command(connection, null, "SELECT size FROM file_contents WHERE sha256 = $1").With(Parameters.Text(sha256));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long size ? new PostgresContentStream(db, sha256, size) : null;
        }, cancellationToken);
    }

    /// <summary>One chunk of a content, or null when it is missing.</summary>
    internal static async Task<byte[]?> ReadChunkAsync(PostgresDatabase db, string sha256, int seq, CancellationToken cancellationToken) =>
        await db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, "SELECT data FROM file_chunks WHERE sha256 = $1 AND seq = $2").With(Parameters.Text(sha256), Parameters.Int(seq));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
        }, cancellationToken).ConfigureAwait(false);

    // Reads the whole content, hashing and counting; writes its chunks when the content is new here.
    private static async Task CopyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Stream content, StoredFile file, bool write, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkBytes];
        long total = 0;
        var seq = 0;
        while (true)
        {
            var filled = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (filled == 0)
            {
                break;
            }

            total += filled;
            if (total > file.Size)
            {
                throw new StoreException(StoreErrorReason.Rejected, $"The content is longer than the {file.Size} bytes the metadata says; nothing was written.");
            }

            hash.AppendData(buffer, 0, filled);
            if (write)
            {
                await using var chunk = Command(connection, transaction, "INSERT INTO file_chunks (sha256, seq, data) VALUES ($1, $2, $3)")
                    .With(Parameters.Text(file.Sha256), Parameters.Int(seq), Parameters.Bytes(buffer.AsSpan(0, filled).ToArray()));
                await chunk.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            seq++;
        }

        if (total != file.Size || Convert.ToHexStringLower(hash.GetHashAndReset()) != file.Sha256)
        {
            throw new StoreException(StoreErrorReason.Rejected, "The content does not match the SHA-256 and size the metadata says; nothing was written.");
        }
    }

    private static async Task RemoveIfUnreferencedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sha, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "DELETE FROM file_contents c WHERE c.sha256 = $1 AND NOT EXISTS (SELECT 1 FROM files f WHERE f.sha256 = $1)")
            .With(Parameters.Text(sha));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static StoredFile Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), r.GetInt64(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : r.GetString(10), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)), r.GetString(12));
}
