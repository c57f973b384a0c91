using Palisade.Acs.Storage;
using Palisade.Storage.Postgres;
using Palisade.Storage.Sqlite;

namespace Palisade;

/// <summary>
/// The one place that chooses the store; the server and the commands see only the store interfaces. SQLite in the
/// data folder by default; PostgreSQL when a database URL is given (<c>--db</c>, the config file's <c>db</c>, or
/// <c>PALISADE_DB</c>). With PostgreSQL the data folder still holds the PKI and the store key, which every node
/// sharing the database needs the same copy of (docs/operations.md).
/// </summary>
internal static class Stores
{
    /// <summary>The database the commands other than serve use: <c>PALISADE_DB</c>, or null for the data folder's SQLite.</summary>
    public static string? FromEnvironment => Environment.GetEnvironmentVariable("PALISADE_DB") is { Length: > 0 } db ? db : null;

    /// <summary>
    /// Opens (creating and migrating if needed) the store: PostgreSQL at <paramref name="db"/> when it is a
    /// <c>postgresql://</c> URL, else SQLite in <paramref name="dataDirectory"/>. Without <paramref name="db"/>,
    /// <c>PALISADE_DB</c> decides.
    /// </summary>
    /// <exception cref="StoreException">The store cannot be opened.</exception>
    /// <exception cref="ArgumentException"><paramref name="db"/> is not a location this reads.</exception>
    public static IPalisadeStore Open(string dataDirectory, string? db = null)
    {
        db ??= FromEnvironment;
        if (db is null || db == "sqlite")
        {
            return SqliteStore.Open(new SqliteStoreOptions { DataDirectory = dataDirectory });
        }

        return PostgresStore.OpenAsync(PostgresOptions(dataDirectory, db)).GetAwaiter().GetResult();
    }

    /// <summary>The PostgreSQL store's options for <paramref name="db"/>, its key file in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="db"/> is not a PostgreSQL URL, or carries a password.</exception>
    public static PostgresStoreOptions PostgresOptions(string dataDirectory, string db)
    {
        if (!PostgresConnection.IsUrl(db))
        {
            throw new ArgumentException($"--db {PostgresConnection.Redact(db)}: expected postgresql://USER@HOST:PORT/DATABASE (or sqlite, the default).");
        }

        Directory.CreateDirectory(dataDirectory);
        return new PostgresStoreOptions
        {
            ConnectionString = PostgresConnection.FromUrl(db, Environment.GetEnvironmentVariable),
            KeyPath = Path.Combine(dataDirectory, "store.key"),

            // On standard error, before the server's log starts (and apart from its JSON lines on standard output).
            Progress = line => Console.Error.WriteLine("palisade: " + line),
        };
    }

    /// <summary>
    /// True when a store is there to use: any PostgreSQL database named by <paramref name="db"/> (default
    /// <c>PALISADE_DB</c>), else the data folder's SQLite file.
    /// </summary>
    public static bool Exists(string dataDirectory, string? db = null) =>
        (db ?? FromEnvironment) is { } named && named != "sqlite" || File.Exists(new SqliteStoreOptions { DataDirectory = dataDirectory }.DatabasePath);
}
