namespace Palisade.Storage.Sqlite;

/// <summary>Where and how the embedded store keeps its data.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The data folder; the database is <c>palisade.db</c> in it. Default <c>./palisade-data</c>.</summary>
    public string DataDirectory { get; set; } = "palisade-data";

    /// <summary>How long a connection waits for a lock held by another process before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most interned parameter paths kept in memory; beyond it lookups go to the database.</summary>
    public int PathCacheSize { get; set; } = 500_000;

    /// <summary>
    /// The writer's page cache in MiB (SQLite's default is 2). Every session commit walks the device, parameter and
    /// path B-trees; with a million devices their inner pages no longer fit the default and each commit rereads them.
    /// </summary>
    public int WriterCacheMiB { get; set; } = 64;

    /// <summary>Where the file store keeps content (<c>files</c> in the data folder), one file per SHA-256.</summary>
    public string FilesDirectory => Path.Combine(DataDirectory, "files");

    /// <summary>The database file.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "palisade.db");

    /// <summary>
    /// The key that seals connection-request passwords in the database (created with the store, owner-only).
    /// Default <c>store.key</c> in the data folder; keep it out of the database's backups, or at least apart from them.
    /// </summary>
    public string? KeyPath { get; set; }

    /// <summary>The key file in use.</summary>
    public string EffectiveKeyPath => KeyPath ?? Path.Combine(DataDirectory, StoreKey.FileName);
}
