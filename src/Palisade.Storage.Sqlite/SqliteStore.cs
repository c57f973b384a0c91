using Palisade.Acs.Storage;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file (<see cref="SqliteDatabase"/>) and one object per concern over it, each
/// using the shared writer queue, read connections and interned names. Sessions that end together share one
/// transaction with a savepoint each (<see cref="SqliteSessionStore"/>).
/// </summary>
public sealed class SqliteStore : CompositeStore
{
    private SqliteStore(SqliteDatabase database, SqliteSessionStore sessions, SqliteTaskStore tasks, SqliteDeviceRegistry devices, SqliteFileStore files)
        : base(sessions, tasks, devices, new SqliteAccessStore(database), new SqliteAuditLog(database), new SqliteProvisioningStore(database), database)
    {
        Files = files;
        SavedSearches = new SqliteSavedSearchStore(database);
        Campaigns = new SqliteCampaignStore(database);
        Database = database;
        Sessions = sessions;
    }

    /// <summary>The database the pieces share (for tests that hold the writer).</summary>
    internal SqliteDatabase Database { get; }

    /// <summary>The session commits (for tests that watch the group commit).</summary>
    internal SqliteSessionStore Sessions { get; }

    /// <summary>The schema version of the open store.</summary>
    public int SchemaVersion => Database.SchemaVersion;

    /// <summary>Opens (creating and migrating if needed) the store in <see cref="SqliteStoreOptions.DataDirectory"/>.</summary>
    /// <exception cref="StoreException">The folder or file cannot be used.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The store owns the database and disposes it; the constructors below only store references.")]
    public static SqliteStore Open(SqliteStoreOptions options)
    {
        var database = SqliteDatabase.Open(options);
        var devices = new SqliteDeviceRegistry(database);
        var tasks = new SqliteTaskStore(database);
        try
        {
            return new SqliteStore(database, new SqliteSessionStore(database, devices, tasks), tasks, devices, new SqliteFileStore(database, options.FilesDirectory));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            database.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw new StoreException(StoreErrorReason.Unavailable, $"Cannot use the file folder '{options.FilesDirectory}': {e.Message}", e);
        }
    }

    /// <summary>Runs SQLite's integrity check; returns its findings, empty when the file is sound.</summary>
    public Task<IReadOnlyList<string>> CheckIntegrityAsync(CancellationToken cancellationToken) => Database.CheckIntegrityAsync(cancellationToken);
}
