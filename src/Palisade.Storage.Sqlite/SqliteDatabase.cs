using Microsoft.Data.Sqlite;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Security.Secrets;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// The database the SQLite store's pieces share: one file in WAL mode. Writes go through one connection, one at a
/// time (SQLite has one writer anyway; queuing in-process avoids busy-retry storms); reads use pooled connections and
/// see the last committed state. It also holds the interned path and type names and the key that seals secrets.
/// Every SQL statement is parameterised.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _connectionString;
    // Never disposed: writers queued behind DisposeAsync take it to learn that the store is closed. It holds nothing
    // to free (Dispose only frees the wait handle AvailableWaitHandle would create, which is never asked for).
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213:Disposable fields should be disposed", Justification = "See above.")]
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ReadConnectionPool _readers;
    private readonly Dictionary<string, RawStatement> _writerStatements = new(StringComparer.Ordinal);
    private bool _closed;

    private SqliteDatabase(SqliteStoreOptions options, string connectionString, SqliteConnection writer, SecretBox secrets)
    {
        Secrets = secrets;
        _connectionString = connectionString;
        Writer = writer;
        Paths = new InternTable("paths", "path", options.PathCacheSize);
        Types = new InternTable("types", "name", 4096);
        _readers = new ReadConnectionPool(connectionString, reader => Pragma(reader, BusyTimeoutPragma(options.BusyTimeout)), 16);
    }

    /// <summary>The one writer connection; use it only while holding the write lock.</summary>
    public SqliteConnection Writer { get; }

    /// <summary>Seals and opens the secrets stored in rows (connection-request passwords).</summary>
    public SecretBox Secrets { get; }

    /// <summary>Interned parameter paths.</summary>
    public InternTable Paths { get; }

    /// <summary>Interned parameter type names.</summary>
    public InternTable Types { get; }

    /// <summary>The schema version of the open database.</summary>
    public int SchemaVersion => SchemaMigrator.CurrentVersion(Writer);

    /// <summary>Opens (creating and migrating if needed) the database in <see cref="SqliteStoreOptions.DataDirectory"/>.</summary>
    /// <exception cref="StoreException">The folder or file cannot be used.</exception>
    public static SqliteDatabase Open(SqliteStoreOptions options)
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
                return new SqliteDatabase(options, connectionString, writer, secrets);
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
            Pragma(Writer, "PRAGMA wal_checkpoint(PASSIVE)");
            foreach (var statement in _writerStatements.Values)
            {
                statement.Dispose();
            }

            await Writer.DisposeAsync().ConfigureAwait(false);
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
    /// Release it with <see cref="ExitWrite"/>.
    /// </summary>
    public async Task EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_closed)
        {
            _writeLock.Release();
            throw new StoreException(StoreErrorReason.Unavailable, "The store is closed; nothing was written.");
        }
    }

    /// <summary>Releases the write lock taken by <see cref="EnterWriteAsync"/>.</summary>
    public void ExitWrite() => _writeLock.Release();

    /// <summary>
    /// A constant statement on the writer, prepared on first use and kept until the database closes (the hot
    /// statements of a session's commit). Use it only under the write lock; reset it when done.
    /// </summary>
    public RawStatement WriterStatement(string sql)
    {
        if (!_writerStatements.TryGetValue(sql, out var statement))
        {
            statement = new RawStatement(Writer, sql);
            _writerStatements.Add(sql, statement);
        }

        return statement;
    }

    /// <summary>Runs a constant statement on the writer once (a savepoint, its release).</summary>
    public void RunOnWriter(string sql)
    {
        var statement = WriterStatement(sql);
        try
        {
            statement.Step();
        }
        finally
        {
            statement.Reset();
        }
    }

    /// <summary>Runs <paramref name="read"/> on a pooled reader connection.</summary>
    public Task<T> ReadAsync<T>(Func<ReadConnection, T> read, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = StoreMetrics.Start();
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
            StoreMetrics.Record(started, "sqlite", operation);
        }
    }

    /// <summary>Runs <paramref name="write"/> in a transaction of its own under the write lock.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteTransaction, T> write, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        var started = StoreMetrics.Start();
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = Writer.BeginTransaction(deferred: false);
            var pathMark = Paths.Mark();
            var typeMark = Types.Mark();
            try
            {
                var result = write(transaction);
                transaction.Commit();
                Paths.Accept();
                Types.Accept();
                return result;
            }
            catch
            {
                // Ids interned in a rolled-back transaction do not exist: forget them.
                Paths.Discard(pathMark);
                Types.Discard(typeMark);
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
            StoreMetrics.Record(started, "sqlite", operation);
        }
    }

    /// <summary>What a caller is told when a write threw <paramref name="e"/>; null for exceptions that pass as they are.</summary>
    public static StoreException? WriteFailure(Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: 19 } => new StoreException(StoreErrorReason.Rejected, $"The store refused the write, nothing was written: {e.Message}", e),
        SqliteException => WriteUnavailable(e),
        _ => null,
    };

    public static StoreException WriteUnavailable(Exception e) =>
        new(StoreErrorReason.Unavailable, $"Writing the store failed, nothing was written: {e.Message}", e);

    /// <summary>[from, to) covering every path that starts with <paramref name="prefix"/>.</summary>
    public static (string From, string To) PrefixRange(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return (string.Empty, "\uFFFF");
        }

        // Paths are ASCII (TR-106 names); the range end is the prefix with its last char bumped.
        return (prefix, prefix[..^1] + (char)(prefix[^1] + 1));
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only constant SQL reaches this method; values are always bound as parameters.")]
    public static SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public static long? DeviceRowId(SqliteTransaction transaction, DeviceId id)
    {
        using var command = Command(transaction, "SELECT rowid FROM devices WHERE id = $id");
        command.Parameters.AddWithValue("$id", id.ToString());
        return command.ExecuteScalar() as long?;
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
}
