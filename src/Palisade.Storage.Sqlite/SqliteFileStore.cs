using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Palisade.Acs.Files;
using Palisade.Acs.Storage;
using static Palisade.Storage.Sqlite.SqliteDatabase;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// The file store of the embedded store: metadata in the database, content in <c>DATA/files/&lt;sha256&gt;</c>. Content
/// is streamed to a temporary file in that folder (hashed and counted on the way), flushed to disk, and renamed into
/// place under the write lock together with the metadata's insert, so a crash leaves either the whole file or only a
/// temporary one (removed at the next open), and a delete never races a write of the same content.
/// </summary>
internal sealed class SqliteFileStore : IFileStore
{
    private const string Columns = "name, file_type, version, oui, product_class, model_name, sha256, size, signature, operator_signature, device_id, created_at, created_by";
    private const string TemporaryPrefix = ".incoming-";
    private const string ByName = $"SELECT {Columns} FROM files WHERE name > $after ORDER BY name LIMIT $limit";
    private const string ByDevice = $"SELECT {Columns} FROM files WHERE device_id = $device ORDER BY created_at DESC, name DESC LIMIT $limit";
    private readonly SqliteDatabase _db;
    private readonly string _directory;

    public SqliteFileStore(SqliteDatabase db, string directory)
    {
        _db = db;
        _directory = directory;
        Security.Secrets.SecretFile.CreatePrivateDirectory(directory);
        foreach (var leftover in Directory.EnumerateFiles(directory, TemporaryPrefix + "*"))
        {
            // What a crash left half-written: never referenced by any row.
            File.Delete(leftover);
        }
    }

    /// <inheritdoc />
    public Task<StoredFile?> GetFileAsync(string name, CancellationToken cancellationToken) =>
        _db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM files WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            using var r = command.ExecuteReader();
            return r.Read() ? Read(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredFile>> ListFilesAsync(string? device, string? after, int limit, CancellationToken cancellationToken) =>
        _db.ReadAsync<IReadOnlyList<StoredFile>>(connection =>
        {
            using var command = connection.CreateCommand();
            if (device is null)
            {
                command.CommandText = ByName;
            }
            else
            {
                command.CommandText = ByDevice;
            }

            command.Parameters.AddWithValue("$after", after ?? string.Empty);
            command.Parameters.AddWithValue("$device", (object?)device ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 10_000));
            using var r = command.ExecuteReader();
            var files = new List<StoredFile>();
            while (r.Read())
            {
                files.Add(Read(r));
            }

            return files;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<StoredFile?> FindFileForDeviceAsync(string fileType, string oui, string productClass, string modelName, CancellationToken cancellationToken) =>
        _db.ReadAsync(connection =>
        {
            // The partial index files_by_type (migration 120) finds the type's files; the rest is a filter and a sort of those.
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {Columns} FROM files
                WHERE device_id IS NULL AND file_type = $type
                  AND (oui IS NULL OR oui = $oui COLLATE NOCASE)
                  AND (product_class IS NULL OR product_class = $class)
                  AND (model_name IS NULL OR model_name = $model)
                ORDER BY (oui IS NOT NULL) + (product_class IS NOT NULL) + (model_name IS NOT NULL) DESC, created_at DESC, name
                LIMIT 1
                """;
            command.Parameters.AddWithValue("$type", fileType);
            command.Parameters.AddWithValue("$oui", oui);
            command.Parameters.AddWithValue("$class", productClass);
            command.Parameters.AddWithValue("$model", modelName);
            using var r = command.ExecuteReader();
            return r.Read() ? Read(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> PutFileAsync(StoredFile file, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(content);
        if (!FileNames.IsSha256(file.Sha256))
        {
            throw new StoreException(StoreErrorReason.Rejected, "The file's SHA-256 is not 64 lower-case hex digits; nothing was written.");
        }

        var temporary = Path.Combine(_directory, TemporaryPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        try
        {
            await SpoolAsync(content, temporary, file, cancellationToken).ConfigureAwait(false);
            return await _db.WriteAsync(transaction =>
            {
                var created = !Exists(transaction, file.Name);
                using var command = Command(transaction, $"""
                    INSERT INTO files ({Columns}) VALUES ($name, $type, $version, $oui, $pc, $model, $sha, $size, $sig, $opsig, $device, $at, $by)
                    ON CONFLICT (name) DO UPDATE SET file_type = excluded.file_type, version = excluded.version, oui = excluded.oui,
                        product_class = excluded.product_class, model_name = excluded.model_name, sha256 = excluded.sha256, size = excluded.size,
                        signature = excluded.signature, operator_signature = excluded.operator_signature, device_id = excluded.device_id,
                        created_at = excluded.created_at, created_by = excluded.created_by
                    """);
                Bind(command, file);
                var previous = created ? null : ShaOf(transaction, file.Name);
                command.ExecuteNonQuery();

                // The rename happens under the write lock, inside the transaction: a delete of the same content cannot
                // slip in between. A failed rename rolls the row back.
                var target = ContentPath(file.Sha256);
                if (!File.Exists(target))
                {
                    File.Move(temporary, target);
                }

                if (previous is not null && previous != file.Sha256)
                {
                    RemoveIfUnreferenced(transaction, previous);
                }

                return created;
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new StoreException(StoreErrorReason.Unavailable, $"Writing the file failed, nothing was written: {e.Message}", e);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <inheritdoc />
    public Task<DeviceTask?> QueueScheduledBackupAsync(Acs.Devices.DeviceId device, string preset, DateTimeOffset window, NewTask upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(upload);
        return _db.WriteAsync(transaction =>
        {
            var rowid = DeviceRowId(transaction, device) ?? throw new StoreException(StoreErrorReason.NotFound, $"Device '{device}' is not registered.");
            using var mark = Command(transaction, "INSERT INTO scheduled_backups (device_id, preset, window_start) VALUES ($device, $preset, $window) " +
                "ON CONFLICT (device_id, preset) DO UPDATE SET window_start = excluded.window_start WHERE scheduled_backups.window_start < excluded.window_start");
            mark.Parameters.AddWithValue("$device", device.ToString());
            mark.Parameters.AddWithValue("$preset", preset);
            mark.Parameters.AddWithValue("$window", window.ToUnixTimeMilliseconds());
            return mark.ExecuteNonQuery() == 0 ? null : TaskRows.ReadTask(transaction.Connection!, transaction, TaskRows.InsertTask(transaction, rowid, upload));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> ScheduledBackupWindowAsync(Acs.Devices.DeviceId device, string preset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return _db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT window_start FROM scheduled_backups WHERE device_id = $device AND preset = $preset";
            command.Parameters.AddWithValue("$device", device.ToString());
            command.Parameters.AddWithValue("$preset", preset);
            return command.ExecuteScalar() is long window ? DateTimeOffset.FromUnixTimeMilliseconds(window) : (DateTimeOffset?)null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteFileAsync(string name, CancellationToken cancellationToken) =>
        _db.WriteAsync(transaction =>
        {
            if (ShaOf(transaction, name) is not { } sha)
            {
                return false;
            }

            using var command = Command(transaction, "DELETE FROM files WHERE name = $name");
            command.Parameters.AddWithValue("$name", name);
            command.ExecuteNonQuery();
            RemoveIfUnreferenced(transaction, sha);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetOperatorSignatureAsync(string name, string? signature, CancellationToken cancellationToken) =>
        _db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "UPDATE files SET operator_signature = $sig WHERE name = $name");
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$sig", (object?)signature ?? DBNull.Value);
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Stream?> OpenContentAsync(string sha256, CancellationToken cancellationToken)
    {
        if (!FileNames.IsSha256(sha256))
        {
            return Task.FromResult<Stream?>(null);
        }

        try
        {
            return Task.FromResult<Stream?>(new FileStream(ContentPath(sha256), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true));
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    // Copies the content to the temporary file, hashing and counting; refuses more or less than the metadata says.
    private static async Task SpoolAsync(Stream content, string temporary, StoredFile file, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var output = new FileStream(temporary, options);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > file.Size)
            {
                throw new StoreException(StoreErrorReason.Rejected, $"The content is longer than the {file.Size} bytes the metadata says; nothing was written.");
            }

            hash.AppendData(buffer, 0, read);
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        if (total != file.Size || Convert.ToHexStringLower(hash.GetHashAndReset()) != file.Sha256)
        {
            throw new StoreException(StoreErrorReason.Rejected, "The content does not match the SHA-256 and size the metadata says; nothing was written.");
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        output.Flush(flushToDisk: true);
    }

    private void RemoveIfUnreferenced(SqliteTransaction transaction, string sha)
    {
        using var command = Command(transaction, "SELECT 1 FROM files WHERE sha256 = $sha LIMIT 1");
        command.Parameters.AddWithValue("$sha", sha);
        if (command.ExecuteScalar() is null)
        {
            // Deleted after the row: if the transaction fails later the row is back and its content is gone, so this
            // runs last in every transaction that calls it.
            File.Delete(ContentPath(sha));
        }
    }

    private string ContentPath(string sha) => Path.Combine(_directory, sha);

    private static bool Exists(SqliteTransaction transaction, string name) => ShaOf(transaction, name) is not null;

    private static string? ShaOf(SqliteTransaction transaction, string name)
    {
        using var command = Command(transaction, "SELECT sha256 FROM files WHERE name = $name");
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() as string;
    }

    private static void Bind(SqliteCommand command, StoredFile file)
    {
        command.Parameters.AddWithValue("$name", file.Name);
        command.Parameters.AddWithValue("$type", file.FileType);
        command.Parameters.AddWithValue("$version", file.Version);
        command.Parameters.AddWithValue("$oui", (object?)file.Oui ?? DBNull.Value);
        command.Parameters.AddWithValue("$pc", (object?)file.ProductClass ?? DBNull.Value);
        command.Parameters.AddWithValue("$model", (object?)file.ModelName ?? DBNull.Value);
        command.Parameters.AddWithValue("$sha", file.Sha256);
        command.Parameters.AddWithValue("$size", file.Size);
        command.Parameters.AddWithValue("$sig", file.Signature);
        command.Parameters.AddWithValue("$opsig", (object?)file.OperatorSignature ?? DBNull.Value);
        command.Parameters.AddWithValue("$device", (object?)file.Device ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", file.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$by", file.CreatedBy);
    }

    private static StoredFile Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), r.GetInt64(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
        r.IsDBNull(10) ? null : r.GetString(10), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)), r.GetString(12));
}
