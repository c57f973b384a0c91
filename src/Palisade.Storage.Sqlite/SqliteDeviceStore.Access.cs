using Microsoft.Data.Sqlite;
using Palisade.Acs.Access;

namespace Palisade.Storage.Sqlite;

public sealed partial class SqliteDeviceStore : IAccessStore, IAuditLog
{
    /// <inheritdoc />
    public Task<bool> AnyUserAsync(CancellationToken cancellationToken) =>
        ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT EXISTS (SELECT 1 FROM users)";
            return (long)command.ExecuteScalar()! == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task CreateUserAsync(UserRecord user, CancellationToken cancellationToken) =>
        WriteAsync(transaction =>
        {
            using var command = Command(transaction, "INSERT INTO users (name, role, password_hash, created_at) VALUES ($name, $role, $hash, $at)");
            command.Parameters.AddWithValue("$name", user.Name);
            command.Parameters.AddWithValue("$role", user.Role);
            command.Parameters.AddWithValue("$hash", user.PasswordHash);
            command.Parameters.AddWithValue("$at", user.CreatedAt.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, role, password_hash, failed_logins, locked_until, created_at FROM users WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            using var r = command.ExecuteReader();
            return r.Read()
                ? new UserRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.IsDBNull(4) ? null : DeviceRow.Time(r.GetInt64(4)), DeviceRow.Time(r.GetInt64(5)))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task RecordLoginAsync(string name, bool success, DateTimeOffset? lockedUntil, CancellationToken cancellationToken) =>
        WriteAsync(transaction =>
        {
            using var command = Command(transaction, success
                ? "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE name = $name"
                : "UPDATE users SET failed_logins = failed_logins + 1, locked_until = $locked WHERE name = $name");
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$locked", DeviceRow.Db(lockedUntil));
            command.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken) =>
        WriteAsync(transaction =>
        {
            using var command = Command(transaction, """
                INSERT INTO api_keys (id, name, role, secret_hash, device_filter, created_at, expires_at, created_by)
                VALUES ($id, $name, $role, $hash, $filter, $created, $expires, $by)
                """);
            command.Parameters.AddWithValue("$id", key.Id);
            command.Parameters.AddWithValue("$name", key.Name);
            command.Parameters.AddWithValue("$role", key.Role);
            command.Parameters.AddWithValue("$hash", key.SecretHash);
            command.Parameters.AddWithValue("$filter", DeviceRow.Db(key.DeviceFilter));
            command.Parameters.AddWithValue("$created", key.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$expires", DeviceRow.Db(key.ExpiresAt));
            command.Parameters.AddWithValue("$by", key.CreatedBy);
            command.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {KeyColumns} FROM api_keys WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            using var r = command.ExecuteReader();
            return r.Read() ? ReadKey(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<ApiKeyRecord>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {KeyColumns} FROM api_keys ORDER BY created_at";
            using var r = command.ExecuteReader();
            var keys = new List<ApiKeyRecord>();
            while (r.Read())
            {
                keys.Add(ReadKey(r));
            }

            return keys;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeKeyAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(transaction =>
        {
            using var command = Command(transaction, "UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL");
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken) =>
        WriteAsync(transaction =>
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
        ReadAsync<IReadOnlyList<AuditEntry>>(connection =>
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
        ReadAsync(connection =>
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

    private const string KeyColumns = "id, name, role, secret_hash, device_filter, created_at, expires_at, revoked_at, created_by";
    private const string AuditColumns = "seq, at, actor, source, action, target, detail, prev_hash, hash";

    private static ApiKeyRecord ReadKey(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r.GetValue(3), r.IsDBNull(4) ? null : r.GetString(4),
        DeviceRow.Time(r.GetInt64(5)), r.IsDBNull(6) ? null : DeviceRow.Time(r.GetInt64(6)), r.IsDBNull(7) ? null : DeviceRow.Time(r.GetInt64(7)), r.GetString(8));

    private static AuditEntry ReadAudit(SqliteDataReader r) => new(
        r.GetInt64(0), DeviceRow.Time(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8));
}
