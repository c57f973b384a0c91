using Microsoft.Data.Sqlite;
using Palisade.Acs.Access;
using static Palisade.Storage.Sqlite.SqliteDatabase;

namespace Palisade.Storage.Sqlite;

/// <summary>Users and API keys.</summary>
internal sealed class SqliteAccessStore(SqliteDatabase db) : IAccessStore
{
    private const string KeyColumns = "id, name, role, secret_hash, device_filter, created_at, expires_at, revoked_at, created_by";

    /// <inheritdoc />
    public Task<bool> AnyUserAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT EXISTS (SELECT 1 FROM users)";
            return (long)command.ExecuteScalar()! == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task CreateUserAsync(UserRecord user, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
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
        db.ReadAsync(connection =>
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
        db.WriteAsync(transaction =>
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
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<UserRecord>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, role, password_hash, failed_logins, locked_until, created_at FROM users ORDER BY name";
            using var r = command.ExecuteReader();
            var users = new List<UserRecord>();
            while (r.Read())
            {
                users.Add(new UserRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.IsDBNull(4) ? null : DeviceRow.Time(r.GetInt64(4)), DeviceRow.Time(r.GetInt64(5))));
            }

            return users;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "UPDATE users SET password_hash = $hash WHERE name = $name");
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$hash", passwordHash);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken) =>
        db.WriteAsync(transaction =>
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
        db.ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {KeyColumns} FROM api_keys WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            using var r = command.ExecuteReader();
            return r.Read() ? ReadKey(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<ApiKeyRecord>>(connection =>
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
        db.WriteAsync(transaction =>
        {
            using var command = Command(transaction, "UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL");
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);

    private static ApiKeyRecord ReadKey(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r.GetValue(3), r.IsDBNull(4) ? null : r.GetString(4),
        DeviceRow.Time(r.GetInt64(5)), r.IsDBNull(6) ? null : DeviceRow.Time(r.GetInt64(6)), r.IsDBNull(7) ? null : DeviceRow.Time(r.GetInt64(7)), r.GetString(8));
}
