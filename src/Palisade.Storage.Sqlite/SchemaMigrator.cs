using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// Applies the numbered SQL migrations embedded in this assembly, each in its own transaction,
/// and records the schema version. Opening a store twice is a no-op; a store newer than this
/// build is refused rather than guessed at.
/// </summary>
internal static class SchemaMigrator
{
    public static int LatestVersion => Migrations().Count;

    public static void Migrate(SqliteConnection connection)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        var current = CurrentVersion(connection);
        var migrations = Migrations();
        if (current > migrations.Count)
        {
            throw new Acs.Storage.StoreException(Acs.Storage.StoreErrorReason.Unavailable,
                $"The store's schema version {current} is newer than this Palisade build understands ({migrations.Count}). Upgrade Palisade.");
        }

        for (var version = current + 1; version <= migrations.Count; version++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, migrations[version - 1], transaction);
            Execute(connection, "DELETE FROM schema_version", transaction);
            Execute(connection, "INSERT INTO schema_version (version) VALUES (" + version.ToString(CultureInfo.InvariantCulture) + ")", transaction);
            transaction.Commit();
        }
    }

    public static int CurrentVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(version) FROM schema_version";
        return command.ExecuteScalar() is long v ? (int)v : 0;
    }

    private static List<string> Migrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Migrations.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            })
            .ToList();
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
