using System.Globalization;
using Npgsql;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Applies the numbered SQL migrations embedded in this assembly (<c>NNNN_name.sql</c>, its own numbering, apart from
/// SQLite's), each in its own transaction, and records each one. Nodes that start together take turns (a
/// session-level advisory lock), so each migration runs once. A database newer than this build is refused.
/// Neither a migration nor the wait for another node's has a command timeout: building an index on a store of a
/// hundred million rows takes minutes, and cutting it off at the connection's timeout would only roll it back.
/// </summary>
internal static class PostgresMigrator
{
    /// <summary>The advisory lock key the migrations run under (any constant unlikely to clash with another application's).</summary>
    internal const long MigrationLock = 0x50616c6973616465; // "Palisade"

    /// <summary>The highest migration number this build knows.</summary>
    public static int LatestVersion => Migrations().Keys.Max();

    /// <summary>
    /// Applies what is missing; returns the numbers applied now. <paramref name="progress"/> is told before each one
    /// starts: on a large store a migration may take minutes.
    /// </summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken, Action<string>? progress = null)
    {
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(" + MigrationLock.ToString(CultureInfo.InvariantCulture) + ")", cancellationToken, unbounded: true).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken).ConfigureAwait(false);
            var applied = await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
            var migrations = Migrations();
            CheckNotNewer(applied, migrations);
            var done = new List<int>();
            foreach (var (version, (name, sql)) in migrations.Where(m => !applied.Contains(m.Key)))
            {
                progress?.Invoke($"applying PostgreSQL schema {version} ({name})");
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, sql, cancellationToken, unbounded: true).ConfigureAwait(false);
                await ExecuteAsync(connection, "INSERT INTO schema_migrations (version) VALUES (" + version.ToString(CultureInfo.InvariantCulture) + ")", cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                done.Add(version);
            }

            return done;
        }
        finally
        {
            // A connection that broke mid-migration (a lost server, a timeout of the statements that still have one) has
            // lost its session, and the lock with it; an unlock on it would only hide why it broke.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, "SELECT pg_advisory_unlock(" + MigrationLock.ToString(CultureInfo.InvariantCulture) + ")", CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Refuses a database that lacks migrations (when the operator migrates by hand) or has ones this build does not know.</summary>
    public static async Task CheckCurrentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var exists = await ScalarAsync(connection, "SELECT to_regclass('schema_migrations') IS NOT NULL", cancellationToken).ConfigureAwait(false) is true;
        var applied = exists ? await AppliedAsync(connection, cancellationToken).ConfigureAwait(false) : [];
        var migrations = Migrations();
        CheckNotNewer(applied, migrations);
        if (migrations.Keys.Any(v => !applied.Contains(v)))
        {
            throw new StoreException(StoreErrorReason.Unavailable,
                "The database lacks migrations this Palisade build needs: run `palisade db migrate --db …` first.");
        }
    }

    /// <summary>The highest migration applied (0 for none).</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
        return applied.Count == 0 ? 0 : applied.Max();
    }

    private static void CheckNotNewer(HashSet<int> applied, SortedDictionary<int, (string Name, string Sql)> migrations)
    {
        if (applied.Any(v => !migrations.ContainsKey(v)))
        {
            throw new StoreException(StoreErrorReason.Unavailable,
                $"The database's schema ({applied.Max()}) is newer than this Palisade build understands ({migrations.Keys.Max()}). Upgrade Palisade.");
        }
    }

    private static async Task<HashSet<int>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var applied = new HashSet<int>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied.Add(reader.GetInt32(0));
        }

        return applied;
    }

    // Each migration by number, with its name (the file's, after the number) and text.
    private static SortedDictionary<int, (string Name, string Sql)> Migrations()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        var migrations = new SortedDictionary<int, (string Name, string Sql)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Migrations.", StringComparison.Ordinal)))
        {
            var version = int.Parse(name.AsSpan("Migrations.".Length, 4), NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            migrations.Add(version, (name["Migrations.0000_".Length..^".sql".Length], reader.ReadToEnd()));
        }

        return migrations;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only the embedded migrations and constant statements reach this method.")]
    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, bool unbounded = false)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (unbounded)
        {
            command.CommandTimeout = 0;
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only constant statements reach this method.")]
    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
