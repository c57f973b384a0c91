using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>moveToHttps probe arrivals in the probe_arrivals table, seen by every node; each is taken once.</summary>
internal sealed class PostgresProbeArrivals(PostgresDatabase db)
{
    private static readonly TimeSpan Kept = TimeSpan.FromHours(1);

    public Task RecordAsync(long taskId, DateTimeOffset at, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            // Old arrivals nobody asked for go as new ones come in: the table stays as small as the probes in flight.
            await using var command = Command(connection, transaction, """
                WITH old AS (DELETE FROM probe_arrivals WHERE arrived_at < $3)
                INSERT INTO probe_arrivals (task_id, arrived_at) VALUES ($1, $2)
                ON CONFLICT (task_id) DO UPDATE SET arrived_at = excluded.arrived_at
                """).With(Parameters.Long(taskId), Parameters.Time(at), Parameters.Time(at - Kept));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<DateTimeOffset?> TakeAsync(long taskId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM probe_arrivals WHERE task_id = $1 RETURNING arrived_at")
                .With(Parameters.Long(taskId));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long at ? PgDeviceRow.Time(at) : (DateTimeOffset?)null;
        }, cancellationToken);
}
