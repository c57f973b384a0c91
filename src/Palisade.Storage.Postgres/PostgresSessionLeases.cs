using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Session leases in the session_leases table: one row per device in a session, with its holder (the session's
/// token) and its expiry. Taking one is a single upsert that succeeds only where no row is, or the row's lease ran out.
/// Times are the nodes' clocks: keep them in step (NTP) to well within the session timeout.
/// </summary>
internal sealed class PostgresSessionLeases(PostgresDatabase db) : ISessionLeases
{
    /// <inheritdoc />
    public Task<bool> TryAcquireAsync(DeviceId device, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, """
                INSERT INTO session_leases (device, holder, expires_at) VALUES ($1, $2, $4)
                ON CONFLICT (device) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE session_leases.expires_at <= $3
                RETURNING holder
                """).With(Parameters.Text(device.ToString()), Parameters.Text(holder), Parameters.Time(now), Parameters.Time(until));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewAsync(DeviceId device, string holder, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "UPDATE session_leases SET expires_at = $3 WHERE device = $1 AND holder = $2")
                .With(Parameters.Text(device.ToString()), Parameters.Text(holder), Parameters.Time(until));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task ReleaseAsync(DeviceId device, string holder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM session_leases WHERE device = $1 AND holder = $2")
                .With(Parameters.Text(device.ToString()), Parameters.Text(holder));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }
}
