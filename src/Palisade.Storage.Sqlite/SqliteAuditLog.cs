using Microsoft.Data.Sqlite;
using Palisade.Acs.Access;
using static Palisade.Storage.Sqlite.SqliteDatabase;

namespace Palisade.Storage.Sqlite;

/// <summary>The append-only, hash-chained audit log; entries are appended under the write lock.</summary>
internal sealed class SqliteAuditLog(SqliteDatabase db) : IAuditLog
{
    private const string AuditColumns = "seq, at, actor, source, action, target, detail, prev_hash, hash";

    /// <inheritdoc />
    public Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            // The chain is extended inside the write lock: entries are strictly sequential.
            string prev;
            long seq;
            using (var last = Command(transaction, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"))
            using (var r = last.ExecuteReader())
            {
                (seq, prev) = r.Read() ? (r.GetInt64(0) + 1, r.GetString(1)) : (1L, AuditChain.Genesis);
            }

            var hash = AuditChain.Hash(seq, record.At, record.Actor, record.Source, record.Action, record.Target, record.Detail, prev);
            using var insert = Command(transaction, "INSERT INTO audit (seq, at, actor, source, action, target, detail, prev_hash, hash) VALUES ($seq, $at, $actor, $source, $action, $target, $detail, $prev, $hash)");
            insert.Parameters.AddWithValue("$seq", seq);
            insert.Parameters.AddWithValue("$at", record.At.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$actor", record.Actor);
            insert.Parameters.AddWithValue("$source", record.Source);
            insert.Parameters.AddWithValue("$action", record.Action);
            insert.Parameters.AddWithValue("$target", record.Target);
            insert.Parameters.AddWithValue("$detail", record.Detail);
            insert.Parameters.AddWithValue("$prev", prev);
            insert.Parameters.AddWithValue("$hash", hash);
            insert.ExecuteNonQuery();
            return new AuditEntry(seq, DeviceRow.Time(record.At.ToUnixTimeMilliseconds()), record.Actor, record.Source, record.Action, record.Target, record.Detail, prev, hash);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSeq, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<AuditEntry>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {AuditColumns} FROM audit WHERE $before IS NULL OR seq < $before ORDER BY seq DESC LIMIT $limit";
            command.Parameters.AddWithValue("$before", (object?)beforeSeq ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 1000));
            using var r = command.ExecuteReader();
            var entries = new List<AuditEntry>();
            while (r.Read())
            {
                entries.Add(ReadAudit(r));
            }

            return entries;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken, AuditCheckpoint? checkpoint = null) =>
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {AuditColumns} FROM audit ORDER BY seq";
            using var r = command.ExecuteReader();
            var prev = AuditChain.Genesis;
            long expected = 1, count = 0;
            while (r.Read())
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

    private static AuditEntry ReadAudit(SqliteDataReader r) => new(
        r.GetInt64(0), DeviceRow.Time(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8));
}
