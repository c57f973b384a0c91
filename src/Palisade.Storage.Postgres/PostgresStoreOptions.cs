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

    /// <summary>Told, in a line for an operator, before each migration starts: on a large store one may take minutes.</summary>
    public Action<string>? Progress { get; set; }

    /// <summary>
    /// Most connections this process opens to the database, unless the connection string sets its own pool size: by
    /// default <see cref="DefaultMaxConnections"/> of this machine's processors.
    /// </summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections(Environment.ProcessorCount);

    /// <summary>
    /// Four connections per processor, at least 8 and at most 32. Up to half of them may carry each kind of the sessions'
    /// grouped round trips (lease takes, commits) when sessions queue up; at a moderate rate one or two do, and the
    /// rest serve the console, the API and the notifications' listener. The store hands them out last in, first out
    /// (<see cref="ConnectionStack"/>), so connections the load does not need stay idle; before it did, with Npgsql's
    /// first-in, first-out pool, 32 connections cost a two-core cluster a fifth to three quarters more CPU per session
    /// than 8 (docs/performance.md, "Pool size"). Four per processor leaves room for statements that wait on the round
    /// trip to a database on another machine.
    /// </summary>
    public static int DefaultMaxConnections(int processors) => Math.Clamp(4 * processors, 8, 32);
}
