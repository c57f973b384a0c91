namespace Palisade.Storage.Postgres;

/// <summary>Where the PostgreSQL store is and how it is opened.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>
    /// An Npgsql connection string (<c>Host=…;Port=…;Database=…;Username=…</c>). The password is set here by the
    /// composition root from the environment or a file, never from the command line.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// The key that seals connection-request passwords in the database: a file each node reads (the same file on every
    /// node), created with a new store. Keep it out of the database's backups.
    /// </summary>
    public string KeyPath { get; set; } = "store.key";

    /// <summary>Apply the migrations this build has and the database lacks (else a database behind this build is refused).</summary>
    public bool Migrate { get; set; } = true;

    /// <summary>Most connections this process opens to the database, unless the connection string sets its own pool size.</summary>
    public int MaxConnections { get; set; } = 32;
}
