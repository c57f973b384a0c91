using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// Applies the numbered SQL migrations embedded in this assembly (<c>NNNN_name.sql</c>), each in its own transaction,
/// and records each one applied. Numbers are handed out ahead of time to whoever adds a migration, so they may land
/// out of order: every migration not yet applied runs, in number order, even one numbered below the newest applied.
/// Opening a store twice is a no-op; a store newer than this build is refused rather than guessed at.
/// </summary>
internal static class SchemaMigrator
{
    /// <summary>The highest migration number this build knows.</summary>
    public static int LatestVersion => Migrations().Keys.Max();

    public static void Migrate(SqliteConnection connection)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)");
        var current = CurrentVersion(connection);
        var migrations = Migrations();
        var applied = Applied(connection);
        if (applied.Count == 0 && current > 0)
        {
            // A store from before migrations were recorded one by one: it holds 1 to its version, all of them.
            for (var version = 1; version <= current; version++)
            {
                Execute(connection, "INSERT INTO schema_migrations (version) VALUES (" + version.ToString(CultureInfo.InvariantCulture) + ")");
                applied.Add(version);
            }
        }

        if (current > migrations.Keys.Max() || applied.Any(v => !migrations.ContainsKey(v)))
        {
            throw new Acs.Storage.StoreException(Acs.Storage.StoreErrorReason.Unavailable,
                $"The store's schema version {current} is newer than this Palisade build understands ({migrations.Keys.Max()}). Upgrade Palisade.");
        }

        foreach (var (version, sql) in migrations.Where(m => !applied.Contains(m.Key)))
        {
            var number = version.ToString(CultureInfo.InvariantCulture);
            using var transaction = connection.BeginTransaction();
            Execute(connection, sql, transaction);
            Execute(connection, "INSERT INTO schema_migrations (version) VALUES (" + number + ")", transaction);
            Execute(connection, "DELETE FROM schema_version", transaction);
            Execute(connection, "INSERT INTO schema_version (version) SELECT max(version) FROM schema_migrations", transaction);
            transaction.Commit();
        }
    }

    /// <summary>The highest migration applied.</summary>
    public static int CurrentVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(version) FROM schema_version";
        return command.ExecuteScalar() is long v ? (int)v : 0;
    }

    private static HashSet<int> Applied(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations";
        using var reader = command.ExecuteReader();
        var applied = new HashSet<int>();
        while (reader.Read())
        {
            applied.Add((int)reader.GetInt64(0));
        }

        return applied;
    }

    // Resources "Migrations.NNNN_name.sql", by number.
    private static SortedDictionary<int, string> Migrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var migrations = new SortedDictionary<int, string>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Migrations.", StringComparison.Ordinal)))
        {
            var number = int.Parse(name.AsSpan("Migrations.".Length, 4), NumberStyles.None, CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            migrations.Add(number, reader.ReadToEnd());
        }

        return migrations;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Only constant SQL reaches this method; values are always bound as parameters.")]
    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
