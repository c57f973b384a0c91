using System.Net.Sockets;
using Npgsql;
using Palisade.Acs.Storage;
using Palisade.Security.Secrets;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The database the PostgreSQL store's pieces share: a pool of connections (an <see cref="NpgsqlDataSource"/>) and the
/// key that seals secrets. Unlike SQLite there is no writer queue in the process: PostgreSQL takes writers from every
/// node at once, row locks order them, and a transaction that lost a deadlock or a serialization race is run again.
/// Every SQL statement is parameterised.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private const int Attempts = 5;

    private PostgresDatabase(NpgsqlDataSource source, NpgsqlConnectionStringBuilder settings, SecretBox secrets, string description, string schema)
    {
        Source = source;
        Connections = new ConnectionStack(source, settings.MaxPoolSize, TimeSpan.FromSeconds(settings.Timeout), TimeProvider.System);
        Secrets = secrets;
        Description = description;
        var channel = "palisade_tasks_" + schema;
        Commits = new BatchGroups<bool>(Connections, SessionRoundTrips, ForgetBrokenConnections, TimeProvider.System);
        Notifications = new PostgresNotifications(Connections, channel.Length > 63 ? channel[..63] : channel);
    }

    /// <summary>
    /// Most grouped round trips of one kind (session commits, lease takes) in flight at once: half the pool, at least two.
    /// Another starts only when batches queue up behind those in flight (<see cref="BatchGroups{T}.Deep"/>) or one stalls,
    /// so at a moderate rate one or two carry every session. Flat out at a million devices, where a round trip's
    /// transactions wait on page reads one after another in its backend, a quarter of the pool left about a tenth of the
    /// rate unused (docs/performance.md, "A million devices, grouped").
    /// </summary>
    public int SessionRoundTrips => Math.Max(2, Connections.Size / 2);

    /// <summary>Write batches of concurrent callers, sent together (<see cref="WriteGroupedAsync"/>).</summary>
    public BatchGroups<bool> Commits { get; }

    /// <summary>Task outcomes told across the nodes sharing this database.</summary>
    public PostgresNotifications Notifications { get; }

    /// <summary>Parameter paths known to be interned, so that commits need not intern them again.</summary>
    public InternedPaths Paths { get; } = new();

    /// <summary>Npgsql's pool of connections, which opens and closes them.</summary>
    public NpgsqlDataSource Source { get; }

    /// <summary>The connections the store works on, handed out last in, first out; every user of the database takes them here.</summary>
    public ConnectionStack Connections { get; }

    /// <summary>Seals and opens the secrets stored in rows (connection-request passwords).</summary>
    public SecretBox Secrets { get; }

    /// <summary>Host, port and database, for messages (never the password).</summary>
    public string Description { get; }

    /// <summary>Opens the database, migrating it unless told not to, and loads the store key.</summary>
    public static async Task<PostgresDatabase> OpenAsync(PostgresStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = Settings(options);
        var description = Describe(settings);
        var source = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
        try
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (options.Migrate)
            {
                await PostgresMigrator.MigrateAsync(connection, cancellationToken, options.Progress).ConfigureAwait(false);
            }
            else
            {
                await PostgresMigrator.CheckCurrentAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            var secrets = await PostgresStoreKey.LoadAsync(options.KeyPath, connection, cancellationToken).ConfigureAwait(false);
            await using var schema = new NpgsqlCommand("SELECT current_schema()", connection);
            return new PostgresDatabase(source, settings, secrets, description, (string)(await schema.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw new StoreException(StoreErrorReason.Unavailable, $"Cannot open the PostgreSQL store at {description}: {e.Message}", e);
        }
        catch
        {
            await source.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The pool's connection settings: the operator's connection string, with the store's defaults for what it does not
    /// set. Throws <see cref="StoreException"/> (unavailable) when the string is not valid.
    /// </summary>
    public static NpgsqlConnectionStringBuilder Settings(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var settings = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            if (!Sets(options.ConnectionString, "Maximum Pool Size") && !Sets(options.ConnectionString, "MaxPoolSize"))
            {
                // The operator's own pool size (the URL's pool_max_conns, or the connection string's) is kept.
                settings.MaxPoolSize = Math.Clamp(options.MaxConnections, 2, 1000);
            }

            if (settings.MaxAutoPrepare == 0)
            {
                // The store's statements are fixed texts run again and again (a periodic session runs about ten): each
                // connection prepares one at its second use, and PostgreSQL parses and plans it no more. Without this,
                // planning was about half of the cluster's CPU per session (docs/performance.md, PostgreSQL). A
                // connection string that sets Max Auto Prepare keeps its own choice.
                settings.MaxAutoPrepare = 256;
                settings.AutoPrepareMinUsages = 2;
            }

            if (!Sets(options.ConnectionString, "No Reset On Close"))
            {
                // A pooled connection is otherwise reset each time it is taken again: SET SESSION AUTHORIZATION DEFAULT,
                // RESET ALL, CLOSE ALL, UNLISTEN *, pg_advisory_unlock_all(), DISCARD SEQUENCES, DISCARD TEMP, parsed
                // and run by PostgreSQL on every open (three per periodic session). The store leaves nothing behind on a
                // connection it gives back: no SET, no temporary table, no cursor, advisory locks only per transaction
                // (the migrator unlocks its own), and the notifications' listener says UNLISTEN before its connection
                // goes back. A connection string that sets No Reset On Close keeps its own choice.
                settings.NoResetOnClose = true;
            }

            return settings;
        }
        catch (ArgumentException e)
        {
            throw new StoreException(StoreErrorReason.Unavailable, $"The PostgreSQL connection settings are not valid: {e.Message}", e);
        }
    }

    // Whether the connection string itself names the keyword (in any case or spacing). NpgsqlConnectionStringBuilder's own
    // ContainsKey says whether a keyword is one it knows, not whether the string sets it.
    private static bool Sets(string connectionString, string keyword)
    {
        var wanted = keyword.Replace(" ", "", StringComparison.Ordinal);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        foreach (string key in given.Keys)
        {
            if (string.Equals(key.Replace(" ", "", StringComparison.Ordinal), wanted, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Host, port and database of a connection string, for messages.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"{settings.Host}:{settings.Port}/{settings.Database}";
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Notifications.DisposeAsync().ConfigureAwait(false);
        await Connections.DisposeAsync().ConfigureAwait(false);
        await Source.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="read"/> on a pooled connection (each statement sees the last committed state).</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        var started = StoreMetrics.Start();
        try
        {
            await using var rented = await Connections.RentAsync(cancellationToken).ConfigureAwait(false);
            var result = await read(rented.Connection).ConfigureAwait(false);
            rented.Done = true;
            return result;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            ForgetBrokenConnections(e);
            throw new StoreException(StoreErrorReason.Unavailable, $"Reading the store failed: {e.Message}", e);
        }
        catch (ObjectDisposedException e)
        {
            throw new StoreException(StoreErrorReason.Unavailable, "The store is closed.", e);
        }
        finally
        {
            StoreMetrics.Record(started, "postgresql", operation);
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction of its own (READ COMMITTED), committed when it returns. A deadlock
    /// or serialization failure runs it again, from the start, a few times.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> write, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        var started = StoreMetrics.Start();
        try
        {
            return await WriteOnceAsync(write, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StoreMetrics.Record(started, "postgresql", operation);
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> without a transaction of its own: for one statement or one batch, which PostgreSQL runs
    /// in an implicit transaction (one round trip instead of the statement plus a COMMIT). Not run again on a conflict.
    /// </summary>
    public async Task<T> WriteStatementsAsync<T>(Func<NpgsqlConnection, Task<T>> write, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        var started = StoreMetrics.Start();
        try
        {
            await using var rented = await Connections.RentAsync(cancellationToken).ConfigureAwait(false);
            var result = await write(rented.Connection).ConfigureAwait(false);
            rented.Done = true;
            return result;
        }
        catch (Exception e) when (WriteFailure(e) is { } failure)
        {
            ForgetBrokenConnections(e);
            throw failure;
        }
        finally
        {
            StoreMetrics.Record(started, "postgresql", operation);
        }
    }

    /// <summary>
    /// Runs <paramref name="commands"/> as one transaction, in one round trip with the batches other callers hand in at the
    /// same moment (<see cref="BatchGroups{T}"/>): no BEGIN and no COMMIT, all of it or none. A deadlock or serialization
    /// failure (it was rolled back whole) runs it again on its own, a few times.
    /// </summary>
    public async Task WriteGroupedAsync(IReadOnlyList<NpgsqlBatchCommand> commands, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        ArgumentNullException.ThrowIfNull(commands);
        var started = StoreMetrics.Start();
        try
        {
            var failure = (await GroupedAsync(Commits, commands, null, cancellationToken).ConfigureAwait(false)).Failure;
            for (var attempt = 2; Conflict(failure) && attempt <= Attempts; attempt++)
            {
                // Another writer won; the batch was rolled back whole. Run it again.
                failure = (await RunAloneAsync<bool>(commands, null, cancellationToken).ConfigureAwait(false)).Failure;
            }

            if (failure is not null)
            {
                throw WriteFailure(failure) ?? failure;
            }
        }
        finally
        {
            StoreMetrics.Record(started, "postgresql", operation);
        }
    }

    /// <summary>
    /// Runs <paramref name="commands"/> as one transaction grouped with others' (<see cref="BatchGroups{T}"/>) and reads
    /// its results with <paramref name="read"/>. Where the group could not tell its outcome, it runs again on its own: the
    /// statements must give the same answer when run twice. Not run again on a conflict.
    /// </summary>
    public async Task<T> ReadGroupedAsync<T>(BatchGroups<T> groups, IReadOnlyList<NpgsqlBatchCommand> commands, Func<NpgsqlDataReader, Task<T>> read, CancellationToken cancellationToken, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        ArgumentNullException.ThrowIfNull(groups);
        var started = StoreMetrics.Start();
        try
        {
            var outcome = await GroupedAsync(groups, commands, read, cancellationToken).ConfigureAwait(false);
            if (outcome.Failure is { } failure)
            {
                throw WriteFailure(failure) ?? failure;
            }

            return outcome.Value!;
        }
        finally
        {
            StoreMetrics.Record(started, "postgresql", operation);
        }
    }

    private static bool Conflict(Exception? e) => e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    // A batch run in a group, and again on its own when the group could not tell its outcome or it did not run there
    // through no fault of its own (GroupOutcome.RunAlone).
    private async Task<GroupOutcome<T>> GroupedAsync<T>(BatchGroups<T> groups, IReadOnlyList<NpgsqlBatchCommand> commands, Func<NpgsqlDataReader, Task<T>>? read, CancellationToken cancellationToken)
    {
        var outcome = await groups.RunAsync(commands, read, cancellationToken).ConfigureAwait(false);
        return outcome.RunAlone ? await RunAloneAsync(commands, read, cancellationToken).ConfigureAwait(false) : outcome;
    }

    // One caller's grouped batch on a connection of its own, as one implicit transaction.
    private async Task<GroupOutcome<T>> RunAloneAsync<T>(IReadOnlyList<NpgsqlBatchCommand> commands, Func<NpgsqlDataReader, Task<T>>? read, CancellationToken cancellationToken)
    {
        try
        {
            await using var rented = await Connections.RentAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(rented.Connection);
            foreach (var command in commands)
            {
                // A copy: the command may have been sent in a group on another connection, and Npgsql keeps what it
                // prepared there on the command (npgsql/npgsql#6432).
                batch.BatchCommands.Add(new NpgsqlBatchCommand(command.CommandText).With([.. command.Parameters.Select(p => p.Clone())]));
            }

            T? value = default;
            if (read is null)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                value = await read(reader).ConfigureAwait(false);
            }

            rented.Done = true;
            return new GroupOutcome<T>(value, null, false);
        }
        catch (Exception e) when (WriteFailure(e) is not null)
        {
            ForgetBrokenConnections(e);
            return new GroupOutcome<T>(default, e, false);
        }
    }

    private async Task<T> WriteOnceAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var rented = await Connections.RentAsync(cancellationToken).ConfigureAwait(false);
                await using (var transaction = await rented.Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
                {
                    var result = await write(rented.Connection, transaction).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    rented.Done = true;
                    return result;
                }
            }
            catch (PostgresException e) when (e.IsTransient && attempt < Attempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Another writer won; the transaction was rolled back whole. Run it again.
            }
            catch (Exception e) when (WriteFailure(e) is { } failure)
            {
                ForgetBrokenConnections(e);
                throw failure;
            }
        }
    }

    /// <summary>
    /// After <paramref name="e"/>: when the server went away (a restart, a failover, an operator's pg_terminate_backend),
    /// every idle connection is dead too, and would fail one request each. Dropped at once, the next request opens a
    /// fresh one.
    /// </summary>
    public void ForgetBrokenConnections(Exception e)
    {
        if (e is PostgresException { SqlState: not (PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow) })
        {
            return;
        }

        if (e is NpgsqlException or SocketException or TimeoutException)
        {
            Connections.Clear();
            Source.Clear();
        }
    }

    /// <summary>What a caller is told when a write threw <paramref name="e"/>; null for exceptions that pass as they are.</summary>
    public static StoreException? WriteFailure(Exception e) => e switch
    {
        // Class 23: a constraint (a value too long, a duplicate name); class 22: data the database cannot hold (a NUL
        // character, a number out of range). Nothing was written either way.
        PostgresException p when p.SqlState.StartsWith("23", StringComparison.Ordinal) || p.SqlState.StartsWith("22", StringComparison.Ordinal)
            => new StoreException(StoreErrorReason.Rejected, $"The store refused the write, nothing was written: {p.MessageText}", e),
        NpgsqlException or SocketException or TimeoutException => new StoreException(StoreErrorReason.Unavailable, $"Writing the store failed, nothing was written: {e.Message}", e),
        ObjectDisposedException => new StoreException(StoreErrorReason.Unavailable, "The store is closed; nothing was written.", e),
        _ => null,
    };

    /// <summary>A command on <paramref name="connection"/> in <paramref name="transaction"/> (null: its own).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only constant SQL and fixed fragments reach this method; values are always bound as parameters.")]
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql) => new(sql, connection, transaction);

    /// <summary>The device's key (its row's number), or null.</summary>
    public static async Task<long?> DeviceKeyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT key FROM devices WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
    }

    /// <summary>[from, to) covering every path that starts with <paramref name="prefix"/> (byte order, COLLATE "C"); to is null for every path.</summary>
    public static (string From, string? To) PrefixRange(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return (string.Empty, null);
        }

        return (prefix, prefix[..^1] + (char)(prefix[^1] + 1));
    }
}
