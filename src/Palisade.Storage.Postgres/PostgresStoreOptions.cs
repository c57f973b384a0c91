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

    /// <summary>
    /// Most connections this process opens to the database, unless the connection string sets its own pool size: by
    /// default <see cref="DefaultMaxConnections"/> of this machine's processors.
    /// </summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections(Environment.ProcessorCount);

    /// <summary>
    /// Four connections per processor, at least 8 and at most 32. Npgsql hands its idle connections out in turn (first in,
    /// first out), so every connection a burst made the pool open stays in use, and PostgreSQL runs each session's
    /// statements on whichever of that many backend processes comes next, with little of its memory still in the CPU's
    /// caches. At the same rate of sessions, 32 connections cost a two-core cluster a fifth to three quarters more CPU per
    /// session than 8 (docs/performance.md, "Pool size"). Four per processor still leaves room for statements that wait on the round
    /// trip to a database on another machine.
    /// </summary>
    public static int DefaultMaxConnections(int processors) => Math.Clamp(4 * processors, 8, 32);
}
