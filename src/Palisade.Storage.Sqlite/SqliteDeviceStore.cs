using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Security.Secrets;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Writes go through one connection, one at a
/// time (SQLite has one writer anyway; queuing in-process avoids busy-retry storms), and sessions
/// that end together share one transaction with a savepoint each; reads use pooled connections and
/// see the last committed state. Every SQL statement is parameterised.
/// </summary>
public sealed partial class SqliteDeviceStore : IDeviceStore
{
    private readonly SqliteStoreOptions _options;
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    // Never disposed: writers queued behind DisposeAsync take it to learn that the store is closed. It holds nothing
    // to free (Dispose only frees the wait handle AvailableWaitHandle would create, which is never asked for).
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "See above.")]
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private bool _closed;
    private readonly InternTable _paths;
    private readonly InternTable _types;
    private readonly ReadConnectionPool _readers;
    private readonly SecretBox _secrets;

    private SqliteDeviceStore(SqliteStoreOptions options, string connectionString, SqliteConnection writer, SecretBox secrets)
    {
        _options = options;
        _secrets = secrets;
        _connectionString = connectionString;
        _writer = writer;
        _paths = new InternTable("paths", "path", options.PathCacheSize);
        _types = new InternTable("types", "name", 4096);
        _readers = new ReadConnectionPool(connectionString, reader => Pragma(reader, BusyTimeoutPragma(options.BusyTimeout)), 16);
    }

    /// <summary>Opens (creating and migrating if needed) the store in <see cref="SqliteStoreOptions.DataDirectory"/>.</summary>
    /// <exception cref="StoreException">The folder or file cannot be used.</exception>
    public static SqliteDeviceStore Open(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            Directory.CreateDirectory(options.DataDirectory);
            if (!OperatingSystem.IsWindows())
            {
                // The store holds credentials: only the owner may read the folder.
                File.SetUnixFileMode(options.DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            var connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = options.DatabasePath,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = true,
                DefaultTimeout = (int)options.BusyTimeout.TotalSeconds,
            }.ToString();
            var writer = new SqliteConnection(connectionString);
            try
            {
                writer.Open();
                Pragma(writer, BusyTimeoutPragma(options.BusyTimeout));
                Pragma(writer, "PRAGMA journal_mode = WAL");
                Configure(writer);
                Pragma(writer, $"PRAGMA cache_size = -{Math.Clamp(options.WriterCacheMiB, 1, 4096) * 1024}");
                SchemaMigrator.Migrate(writer);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(options.DatabasePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                var secrets = StoreKey.Load(options.EffectiveKeyPath, writer);
                return new SqliteDeviceStore(options, connectionString, writer, secrets);
            }
            catch
            {
                writer.Dispose();
                throw;
            }
        }
        catch (SqliteException e)
        {
            throw new StoreException(StoreErrorReason.Unavailable, $"Cannot open the store at '{options.DatabasePath}': {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException(StoreErrorReason.Unavailable, $"Cannot use the data folder '{options.DataDirectory}': {e.Message}", e);
        }
    }

    /// <summary>Runs SQLite's integrity check; returns its findings, empty when the file is sound.</summary>
    public Task<IReadOnlyList<string>> CheckIntegrityAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<string>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            using var reader = command.ExecuteReader();
            var findings = new List<string>();
            while (reader.Read())
            {
                var line = reader.GetString(0);
                if (line != "ok")
                {
                    findings.Add(line);
                }
            }

            return findings;
        }, cancellationToken);

    /// <summary>The schema version of the open store.</summary>
    public int SchemaVersion => SchemaMigrator.CurrentVersion(_writer);

    /// <inheritdoc />
    public Task<Device?> GetDeviceAsync(DeviceId id, CancellationToken cancellationToken) =>
        ReadAsync(connection =>
        {
            var statement = connection.Raw(DeviceById);
            try
            {
                statement.Bind(1, id.ToString());
                return statement.Step() ? DeviceRow.Read(statement, _secrets) : null;
            }
            finally
            {
                statement.Reset();
            }
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountDevicesAsync(CancellationToken cancellationToken) =>
        ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM devices";
            return (long)command.ExecuteScalar()!;
        }, cancellationToken);

    // A device's tree or a subtree of it: the device's own rows, one range of the primary key, filtered by path.
    private const string ParametersOfDevice = """
        SELECT p.path, x.value, t.name, x.writable, x.notification, x.access_list, x.read_at
        FROM parameters x
        JOIN devices d ON d.rowid = x.device
        JOIN paths p ON p.id = x.path
        LEFT JOIN types t ON t.id = x.type
        WHERE d.id = $id AND p.path >= $from AND p.path < $to
        ORDER BY p.path
        """;

    // A narrow prefix (a projected column's name): the few known paths in range first, in order from their index,
    // then one primary-key lookup each; CROSS JOIN keeps that order. The plan above read every cached parameter of
    // the device (1,200 for a gateway) to find one name. For a broad prefix it is the other way round: the fleet
    // knows more distinct paths under "Device." (or under a crafted "D") than one device holds rows.
    private const string ParametersNamed = """
        SELECT p.path, x.value, t.name, x.writable, x.notification, x.access_list, x.read_at
        FROM paths p
        CROSS JOIN parameters x ON x.device = (SELECT rowid FROM devices WHERE id = $id) AND x.path = p.id
        LEFT JOIN types t ON t.id = x.type
        WHERE p.path >= $from AND p.path < $to
        ORDER BY p.path
        """;

    /// <inheritdoc />
    public Task<IReadOnlyList<CachedParameter>> GetParametersAsync(DeviceId id, string? prefix, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<CachedParameter>>(connection =>
        {
            using var reads = new ParameterReads(connection);
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
        return ReadAsync<IReadOnlyDictionary<DeviceId, IReadOnlyList<CachedParameter>>>(connection =>
        {
            using var reads = new ParameterReads(connection);
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

    // The parameter reads of one connection, each prepared on first use. How many known paths a prefix covers
    // picks the plan: at most NarrowPaths, paths first (so a read never costs more than that many lookups or the
    // device's own rows, whatever the prefix); counted once per prefix per call.
    private sealed class ParameterReads(ReadConnection connection) : IDisposable
    {
        private const int NarrowPaths = 64;
        private readonly Dictionary<string, bool> _narrow = new(StringComparer.Ordinal);
        private SqliteCommand? _ofDevice;
        private SqliteCommand? _named;
        private SqliteCommand? _pathsInRange;

        public void Read(DeviceId id, string? prefix, List<CachedParameter> into)
        {
            var (from, to) = PrefixRange(prefix);
            var command = prefix is not null && IsNarrow(prefix, from, to)
                ? _named ??= Prepare(ParametersNamed)
                : _ofDevice ??= Prepare(ParametersOfDevice);
            command.Parameters["$id"].Value = id.ToString();
            command.Parameters["$from"].Value = from;
            command.Parameters["$to"].Value = to;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                into.Add(new CachedParameter(
                    reader.GetString(0),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3) != 0,
                    reader.IsDBNull(4) ? null : (int)reader.GetInt64(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : DeviceRow.Time(reader.GetInt64(6))));
            }
        }

        public void Dispose()
        {
            _ofDevice?.Dispose();
            _named?.Dispose();
            _pathsInRange?.Dispose();
        }

        private bool IsNarrow(string prefix, string from, string to)
        {
            if (!_narrow.TryGetValue(prefix, out var narrow))
            {
                var command = _pathsInRange ??= Prepare("SELECT count(*) FROM (SELECT 1 FROM paths WHERE path >= $from AND path < $to LIMIT " + (NarrowPaths + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
                command.Parameters["$from"].Value = from;
                command.Parameters["$to"].Value = to;
                narrow = (long)command.ExecuteScalar()! <= NarrowPaths;
                _narrow.Add(prefix, narrow);
            }

            return narrow;
        }

        private SqliteCommand Prepare(string sql)
        {
            var command = connection.CreateCommand();
#pragma warning disable CA2100 // Constant statements only.
            command.CommandText = sql;
#pragma warning restore CA2100
            if (sql.Contains("$id", StringComparison.Ordinal))
            {
                command.Parameters.Add("$id", SqliteType.Text);
            }

            command.Parameters.Add("$from", SqliteType.Text);
            command.Parameters.Add("$to", SqliteType.Text);
            command.Prepare();
            return command;
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteDeviceAsync(DeviceId id, CancellationToken cancellationToken) =>
        WriteAsync(transaction =>
        {
            var rowid = DeviceRowId(transaction, id);
            if (rowid is null)
            {
                return false;
            }

            foreach (var table in new[] { "parameters", "tags", "tasks" })
            {
                using var command = Command(transaction, $"DELETE FROM {table} WHERE device = $device");
                command.Parameters.AddWithValue("$device", rowid.Value);
                command.ExecuteNonQuery();
            }

            using (var command = Command(transaction, "DELETE FROM devices WHERE rowid = $device"))
            {
                command.Parameters.AddWithValue("$device", rowid.Value);
                command.ExecuteNonQuery();
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        if (_closed)
        {
            _writeLock.Release();
            return;
        }

        // Before anything is closed: a read that finds its pool closed is then told the store is closed.
        _closed = true;
        try
        {
            Pragma(_writer, "PRAGMA wal_checkpoint(PASSIVE)");
            _upsertDevice?.Dispose();
            _upsertParameter?.Dispose();
            _savepoint?.Dispose();
            _release?.Dispose();
            _rollbackToSavepoint?.Dispose();
            await _writer.DisposeAsync().ConfigureAwait(false);
            _readers.Dispose();
            using var pooled = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(pooled);
        }
        finally
        {
            // Not disposed: writers queued behind the close still have to take the lock to learn of it.
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Takes the write lock, or throws <see cref="StoreErrorReason.Unavailable"/> once the store is closed. A writer
    /// that finds it closed passes the lock straight on, so every writer queued behind the close is told in turn.
    /// </summary>
    private async Task EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_closed)
        {
            _writeLock.Release();
            throw new StoreException(StoreErrorReason.Unavailable, "The store is closed; nothing was written.");
        }
    }

    /// <summary>[from, to) covering every path that starts with <paramref name="prefix"/>.</summary>
    internal static (string From, string To) PrefixRange(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return (string.Empty, "\uFFFF");
        }

        // Paths are ASCII (TR-106 names); the range end is the prefix with its last char bumped.
        return (prefix, prefix[..^1] + (char)(prefix[^1] + 1));
    }

    // When another process (the CLI, a backup, the benchmark queueing tasks) holds the lock, SQLite's own busy handler
    // retries within milliseconds. Left to the provider, each SQLITE_BUSY cost a 150 ms sleep before the next try,
    // and every session of that group commit waited it out.
    private static string BusyTimeoutPragma(TimeSpan timeout) =>
        "PRAGMA busy_timeout = " + ((long)timeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Configure(SqliteConnection connection)
    {
        // NORMAL in WAL mode: a commit survives a process crash; only an OS crash or power loss
        // can lose the last commits, never corrupt the file (docs/storage.md).
        Pragma(connection, "PRAGMA synchronous = NORMAL");
        Pragma(connection, "PRAGMA foreign_keys = ON");
        Pragma(connection, "PRAGMA temp_store = MEMORY");
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only constant SQL reaches this method; values are always bound as parameters.")]
    private static void Pragma(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragma;
        command.ExecuteNonQuery();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only constant SQL reaches this method; values are always bound as parameters.")]
    private static SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    internal Task<T> ReadAsync<T>(Func<ReadConnection, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ReadConnection? connection = null;
        try
        {
            // Readers need none of the writer's pragmas (they only affect writes); they stay open with their
            // prepared statements. One whose read failed is closed rather than reused.
            connection = _readers.Rent();
            var result = read(connection);
            _readers.Return(connection);
            connection = null;
            return Task.FromResult(result);
        }
        catch (SqliteException e)
        {
            throw new StoreException(StoreErrorReason.Unavailable, $"Reading the store failed: {e.Message}", e);
        }
        catch (ObjectDisposedException e) when (_closed)
        {
            throw new StoreException(StoreErrorReason.Unavailable, "The store is closed.", e);
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>Runs <paramref name="write"/> in a transaction of its own under the write lock (internal for tests that hold the writer).</summary>
    internal async Task<T> WriteAsync<T>(Func<SqliteTransaction, T> write, CancellationToken cancellationToken)
    {
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            var pathMark = _paths.Mark();
            var typeMark = _types.Mark();
            try
            {
                var result = write(transaction);
                transaction.Commit();
                _paths.Accept();
                _types.Accept();
                return result;
            }
            catch
            {
                // Ids interned in a rolled-back transaction do not exist: forget them.
                _paths.Discard(pathMark);
                _types.Discard(typeMark);
                throw;
            }
        }
        catch (Exception e) when (WriteFailure(e) is { } failure)
        {
            throw failure;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>What a caller is told when a write threw <paramref name="e"/>; null for exceptions that pass as they are.</summary>
    private static StoreException? WriteFailure(Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: 19 } => new StoreException(StoreErrorReason.Rejected, $"The store refused the write, nothing was written: {e.Message}", e),
        SqliteException => WriteUnavailable(e),
        _ => null,
    };

    private static StoreException WriteUnavailable(Exception e) =>
        new(StoreErrorReason.Unavailable, $"Writing the store failed, nothing was written: {e.Message}", e);

    private static long? DeviceRowId(SqliteTransaction transaction, DeviceId id)
    {
        using var command = Command(transaction, "SELECT rowid FROM devices WHERE id = $id");
        command.Parameters.AddWithValue("$id", id.ToString());
        return command.ExecuteScalar() as long?;
    }

    private const string DeviceColumns = DeviceRow.Columns;
    private const string DeviceById = $"SELECT {DeviceColumns} FROM devices WHERE id = ?1";
}
