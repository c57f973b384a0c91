using Npgsql;
using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Session leases in the session_leases table: one row per device that has had a session, with its holder (the
/// session's token, or empty when free) and its expiry. Taking one is a single upsert that succeeds only where no row
/// is, or the row's lease is free or ran out; giving it back empties the row rather than deleting it. The row is
/// updated in place (neither column is indexed, and the table leaves room on its pages), so a session adds no index
/// entry and leaves no dead row for the index to skip: inserting and deleting a row per session did, and made each
/// lookup of the table walk past them. A deleted device's free row goes with it.
/// Each is one statement (or one batch) in an implicit transaction: one round trip, no BEGIN/COMMIT of its own.
/// Times are the nodes' clocks: keep them in step (NTP) to well within the session timeout.
/// </summary>
internal sealed class PostgresSessionLeases(PostgresDatabase db) : ISessionLeases
{
    private readonly BatchGroups<LeaseGrant> _takes = new(db.Connections, db.SessionRoundTrips, db.ForgetBrokenConnections, TimeProvider.System);

    /// <inheritdoc />
    public Task<LeaseGrant> TryAcquireAsync(DeviceId device, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);

        // One implicit transaction: the upsert, then the device read, with whether it has queued tasks (most sessions have
        // none, and need no read of their own for that), sent in one round trip with the other sessions' taking theirs at
        // the same moment. Each statement takes its own snapshot (READ COMMITTED), so the read sees every commit made
        // before the lease was taken, including the last session's, which gave the lease back in its own commit. Where the
        // lease is refused the row read is not used; the read does not look at the lease itself, one index scan fewer for
        // PostgreSQL to set up and run in every session. The same holder may take its lease again (a group that could not
        // tell its outcome runs it again on its own).
        var commands = new List<NpgsqlBatchCommand>(2)
        {
            new NpgsqlBatchCommand("""
                INSERT INTO session_leases (device, holder, expires_at) VALUES ($1, $2, $4)
                ON CONFLICT (device) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE session_leases.expires_at <= $3 OR session_leases.holder = excluded.holder
                RETURNING holder
                """).With(Parameters.Text(device.ToString()), Parameters.Text(holder), Parameters.Time(now), Parameters.Time(until)),
            new NpgsqlBatchCommand($"""
                SELECT {PgDeviceRow.Columns}, EXISTS (SELECT 1 FROM tasks t WHERE t.device = d.key AND t.status = 0) FROM devices d
                WHERE d.id = $1
                """).With(Parameters.Text(device.ToString())),
        };
        return db.ReadGroupedAsync(_takes, commands, ReadGrantAsync, cancellationToken);
    }

    // The take's two results: its own row when the lease was taken, then the device's.
    private async Task<LeaseGrant> ReadGrantAsync(NpgsqlDataReader reader)
    {
        var taken = await reader.ReadAsync().ConfigureAwait(false);
        await reader.NextResultAsync().ConfigureAwait(false);
        if (!taken)
        {
            return LeaseGrant.Refused;
        }

        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            return new LeaseGrant(true, null);
        }

        var stored = PgDeviceRow.Read(reader, db.Secrets);
        return new LeaseGrant(true, stored) { QueuedTasks = reader.GetBoolean(PgDeviceRow.ColumnCount) };
    }

    /// <inheritdoc />
    public Task<bool> RenewAsync(DeviceId device, string holder, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return db.WriteStatementsAsync(async connection =>
        {
            await using var command = Command(connection, null, "UPDATE session_leases SET expires_at = $3 WHERE device = $1 AND holder = $2")
                .With(Parameters.Text(device.ToString()), Parameters.Text(holder), Parameters.Time(until));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(DeviceId device, string holder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return db.WriteStatementsAsync(async connection =>
        {
            await using var command = Command(connection, null, Release).With(Parameters.Text(device.ToString()), Parameters.Text(holder));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>True when the device ($1, its id) has a queued task.</summary>
    public const string QueuedTasks = "SELECT EXISTS (SELECT 1 FROM tasks t JOIN devices d ON d.key = t.device WHERE d.id = $1 AND t.status = 0)";

    /// <summary>Gives back a lease ($1 device id, $2 holder); also run by the session's commit.</summary>
    public const string Release = "UPDATE session_leases SET holder = '', expires_at = 0 WHERE device = $1 AND holder = $2";

    /// <summary>
    /// Forgets a deleted device's lease row ($1 device id) unless a session holds it: that session's commit must still
    /// find it held, so that no session on another node starts for the same id before that one has ended.
    /// </summary>
    public const string Forget = "DELETE FROM session_leases WHERE device = $1 AND holder = ''";
}
