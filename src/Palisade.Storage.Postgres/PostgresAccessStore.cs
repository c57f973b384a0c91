using Npgsql;
using Palisade.Acs.Access;
using static Palisade.Storage.Postgres.PostgresDatabase;

namespace Palisade.Storage.Postgres;

/// <summary>Users and API keys.</summary>
internal sealed class PostgresAccessStore(PostgresDatabase db) : IAccessStore
{
    private const string KeyColumns = "id, name, role, secret_hash, device_filter, created_at, expires_at, revoked_at, created_by";

    /// <inheritdoc />
    public Task<bool> AnyUserAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, "SELECT EXISTS (SELECT 1 FROM users)");
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);

    /// <inheritdoc />
    public Task CreateUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4)")
                .With(Parameters.Text(user.Name), Parameters.Text(user.Role), Parameters.Text(user.PasswordHash), Parameters.Time(user.CreatedAt));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, "SELECT name, role, password_hash, failed_logins, locked_until, created_at FROM users WHERE name = $1")
                .With(Parameters.Text(name));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new UserRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), PgDeviceRow.OptionalTime(r, 4), PgDeviceRow.Time(r.GetInt64(5)))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task RecordLoginAsync(string name, bool success, DateTimeOffset? lockedUntil, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = success
                ? Command(connection, transaction, "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE name = $1").With(Parameters.Text(name))
                : Command(connection, transaction, "UPDATE users SET failed_logins = failed_logins + 1, locked_until = $2 WHERE name = $1").With(Parameters.Text(name), Parameters.Time(lockedUntil));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<UserRecord>>(async connection =>
        {
            await using var command = Command(connection, null, "SELECT name, role, password_hash, failed_logins, locked_until, created_at FROM users ORDER BY name");
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var users = new List<UserRecord>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                users.Add(new UserRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), PgDeviceRow.OptionalTime(r, 4), PgDeviceRow.Time(r.GetInt64(5))));
            }

            return users;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "UPDATE users SET password_hash = $2 WHERE name = $1").With(Parameters.Text(name), Parameters.Text(passwordHash));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, """
                INSERT INTO api_keys (id, name, role, secret_hash, device_filter, created_at, expires_at, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """).With(
                Parameters.Text(key.Id), Parameters.Text(key.Name), Parameters.Text(key.Role), Parameters.Bytes(key.SecretHash), Parameters.Text(key.DeviceFilter),
                Parameters.Time(key.CreatedAt), Parameters.Time(key.ExpiresAt), Parameters.Text(key.CreatedBy));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken) =>
        db.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {KeyColumns} FROM api_keys WHERE id = $1").With(Parameters.Text(id));
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadKey(r) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<ApiKeyRecord>>(async connection =>
        {
            await using var command = Command(connection, null, $"SELECT {KeyColumns} FROM api_keys ORDER BY created_at, id");
            await using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var keys = new List<ApiKeyRecord>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(ReadKey(r));
            }

            return keys;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeKeyAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                .With(Parameters.Text(id), Parameters.Time(now));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);

    private static ApiKeyRecord ReadKey(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r.GetValue(3), PgDeviceRow.Text(r, 4),
        PgDeviceRow.Time(r.GetInt64(5)), PgDeviceRow.OptionalTime(r, 6), PgDeviceRow.OptionalTime(r, 7), r.GetString(8));
}
