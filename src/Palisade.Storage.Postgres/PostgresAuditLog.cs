using Npgsql;
using Palisade.Acs.Access;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The append-only, hash-chained audit log. Writers on every node extend the chain under one transaction-scoped
/// advisory lock: the head is read and the next entry written while no other writer can, so the chain stays strictly
/// sequential whichever node appends.
/// </summary>
internal sealed class PostgresAuditLog(PostgresDatabase db) : IAuditLog
{
    /// <summary>The advisory lock key of the chain's head ("PalAudit").</summary>
    internal const long ChainLock = 0x50616c4175646974;

    private const string AuditColumns = "seq, at, actor, source, action, target, detail, prev_hash, hash";

    /// <inheritdoc />
    public Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using (var lockHead = Command(connection, transaction, "SELECT pg_advisory_xact_lock($1)").With(Parameters.Long(ChainLock)))
            {
                await lockHead.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            string prev;
            long seq;
            await using (var last = Command(connection, transaction, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"))
            await using (var r = await last.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                (seq, prev) = await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? (r.GetInt64(0) + 1, r.GetString(1)) : (1L, AuditChain.Genesis);
            }

            var at = PgDeviceRow.Time(record.At.ToUnixTimeMilliseconds());
            var hash = AuditChain.Hash(seq, at, record.Actor, record.Source, record.Action, record.Target, record.Detail, prev);
            await using var insert = Command(connection, transaction, "INSERT INTO audit (seq, at, actor, source, action, target, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .With(Parameters.Long(seq), Parameters.Time(at), Parameters.Text(record.Actor), Parameters.Text(record.Source), Parameters.Text(record.Action),
                    Parameters.Text(record.Target), Parameters.Text(record.Detail), Parameters.Text(prev), Parameters.Text(hash));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new AuditEntry(seq, at, record.Actor, record.Source, record.Action, record.Target, record.Detail, prev, hash);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSeq, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<AuditEntry>>(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {AuditColumns} FROM audit WHERE $1::bigint IS NULL OR seq < $1 ORDER BY seq DESC LIMIT $2")
                .With(Parameters.Long(beforeSeq), Parameters.Int(Math.Clamp(limit, 1, 1000)));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var entries = new List<AuditEntry>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(ReadAudit(r));
            }

            return entries;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken, AuditCheckpoint? checkpoint = null) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {AuditColumns} FROM audit ORDER BY seq");
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var prev = AuditChain.Genesis;
            long expected = 1, count = 0;
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var e = ReadAudit(r);
                count++;
                if (e.Seq != expected)
                {
                    return new AuditVerification(false, count, expected, $"entry {expected} is missing");
                }

                if (e.PrevHash != prev)
                {
                    return new AuditVerification(false, count, e.Seq, $"entry {e.Seq} does not follow entry {e.Seq - 1}");
                }

                if (AuditChain.Hash(e.Seq, e.At, e.Actor, e.Source, e.Action, e.Target, e.Detail, e.PrevHash) != e.Hash)
                {
                    return new AuditVerification(false, count, e.Seq, $"entry {e.Seq} was altered");
                }

                if (checkpoint is not null && e.Seq == checkpoint.Seq && e.Hash != checkpoint.Hash)
                {
                    return new AuditVerification(false, count, e.Seq, $"entry {e.Seq} is not the one recorded at the checkpoint: the log was rewritten from there on");
                }

                prev = e.Hash;
                expected++;
            }

            var head = count == 0 ? null : new AuditCheckpoint(expected - 1, prev);
            if (checkpoint is not null && checkpoint.Seq > count)
            {
                return new AuditVerification(false, count, count + 1, $"the log ends at entry {count}, but entry {checkpoint.Seq} was recorded at the checkpoint: its newest entries were cut off", head);
            }

            return new AuditVerification(true, count, null, null, head);
        }, cancellationToken);

    private static AuditEntry ReadAudit(NpgsqlDataReader r) => new(
        r.GetInt64(0), PgDeviceRow.Time(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8));
}
