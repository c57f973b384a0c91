using Palisade.Acs.Storage;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The PostgreSQL store: one database (<see cref="PostgresDatabase"/>) that several Palisade nodes may share, and one
/// object per concern over it. It passes the same contract suite as the embedded SQLite store.
/// </summary>
public sealed class PostgresStore : CompositeStore, ITaskOutcomeFeed, Acs.Sessions.ISessionLeases, Acs.Sessions.ISharedNodeState
{
    private PostgresStore(PostgresDatabase database, PostgresSessionStore sessions, PostgresTaskStore tasks, PostgresDeviceRegistry devices)
        : base(sessions, tasks, devices, new PostgresAccessStore(database), new PostgresAuditLog(database), new PostgresProvisioningStore(database), database)
    {
        Database = database;
        Leases = new PostgresSessionLeases(database);
        Files = new PostgresFileStore(database);
        SavedSearches = new PostgresSavedSearchStore(database);
        Campaigns = new PostgresCampaignStore(database);
        ProbeArrivals = new PostgresProbeArrivals(database);
    }

    private PostgresProbeArrivals ProbeArrivals { get; }

    /// <inheritdoc />
    public byte[] DeriveKey(string purpose) => Database.Secrets.DeriveKey(purpose);

    /// <inheritdoc />
    public Task RecordProbeArrivalAsync(long taskId, DateTimeOffset at, CancellationToken cancellationToken) =>
        ProbeArrivals.RecordAsync(taskId, at, cancellationToken);

    /// <inheritdoc />
    public Task<DateTimeOffset?> TakeProbeArrivalAsync(long taskId, CancellationToken cancellationToken) =>
        ProbeArrivals.TakeAsync(taskId, cancellationToken);

    private PostgresSessionLeases Leases { get; }

    /// <inheritdoc />
    public Task<Acs.Sessions.LeaseGrant> TryAcquireAsync(Acs.Devices.DeviceId device, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
        Leases.TryAcquireAsync(device, holder, now, until, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RenewAsync(Acs.Devices.DeviceId device, string holder, DateTimeOffset until, CancellationToken cancellationToken) =>
        Leases.RenewAsync(device, holder, until, cancellationToken);

    /// <inheritdoc />
    public Task ReleaseAsync(Acs.Devices.DeviceId device, string holder, CancellationToken cancellationToken) =>
        Leases.ReleaseAsync(device, holder, cancellationToken);

    internal PostgresDatabase Database { get; }

    /// <inheritdoc />
    public event Action<IReadOnlyList<long>>? TasksFinished
    {
        add => Database.Notifications.TasksFinished += value;
        remove => Database.Notifications.TasksFinished -= value;
    }

    /// <summary>Opens the store (migrating the database unless <see cref="PostgresStoreOptions.Migrate"/> is off).</summary>
    /// <exception cref="StoreException">The database cannot be reached or used.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The store owns the database and disposes it.")]
    public static async Task<PostgresStore> OpenAsync(PostgresStoreOptions options, CancellationToken cancellationToken = default)
    {
        var database = await PostgresDatabase.OpenAsync(options, cancellationToken).ConfigureAwait(false);
        var devices = new PostgresDeviceRegistry(database);
        var tasks = new PostgresTaskStore(database);
        return new PostgresStore(database, new PostgresSessionStore(database, devices, tasks), tasks, devices);
    }

    /// <summary>
    /// Applies the migrations the database lacks, and nothing else; returns the numbers applied now. <paramref name="progress"/>
    /// is told before each one starts.
    /// </summary>
    /// <exception cref="StoreException">The database cannot be reached or is newer than this build.</exception>
    public static async Task<IReadOnlyList<int>> MigrateAsync(string connectionString, CancellationToken cancellationToken = default, Action<string>? progress = null)
    {
        try
        {
            await using var source = Npgsql.NpgsqlDataSource.Create(connectionString);
            await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await PostgresMigrator.MigrateAsync(connection, cancellationToken, progress).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or ArgumentException)
        {
            throw new StoreException(StoreErrorReason.Unavailable, $"Cannot migrate the PostgreSQL store: {e.Message}", e);
        }
    }

    /// <summary>The newest migration this build has.</summary>
    public static int LatestSchemaVersion => PostgresMigrator.LatestVersion;
}
