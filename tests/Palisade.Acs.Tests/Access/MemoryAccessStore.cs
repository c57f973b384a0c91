using System.Collections.Concurrent;
using Palisade.Acs.Access;

namespace Palisade.Acs.Tests.Access;

/// <summary>Users, keys and an audit log in memory, for the access services' tests.</summary>
internal sealed class MemoryAccessStore : IAccessStore, IAuditLog
{
    private readonly ConcurrentDictionary<string, UserRecord> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ApiKeyRecord> _keys = new(StringComparer.Ordinal);
    private readonly List<AuditEntry> _audit = [];

    public IReadOnlyList<AuditEntry> Audit
    {
        get
        {
            lock (_audit)
            {
                return [.. _audit];
            }
        }
    }

    public Task<bool> AnyUserAsync(CancellationToken cancellationToken) => Task.FromResult(!_users.IsEmpty);

    public Task CreateUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        _users[user.Name] = user;
        return Task.CompletedTask;
    }

    public Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken) => Task.FromResult(_users.GetValueOrDefault(name));

    public Task RecordLoginAsync(string name, bool success, DateTimeOffset? lockedUntil, CancellationToken cancellationToken)
    {
        if (_users.TryGetValue(name, out var u))
        {
            _users[name] = u with { FailedLogins = success ? 0 : u.FailedLogins + 1, LockedUntil = lockedUntil };
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<UserRecord>>([.. _users.Values.OrderBy(u => u.Name, StringComparer.Ordinal)]);

    public Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken)
    {
        if (!_users.TryGetValue(name, out var u))
        {
            return Task.FromResult(false);
        }

        _users[name] = u with { PasswordHash = passwordHash };
        return Task.FromResult(true);
    }

    public Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        _keys[key.Id] = key;
        return Task.CompletedTask;
    }

    public Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken) => Task.FromResult(_keys.GetValueOrDefault(id));

    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<ApiKeyRecord>>([.. _keys.Values]);

    public Task<bool> RevokeKeyAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.TryGetValue(id, out var k) && k.RevokedAt is null && _keys.TryUpdate(id, k with { RevokedAt = now }, k));

    public Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        lock (_audit)
        {
            var entry = new AuditEntry(_audit.Count + 1, record.At, record.Actor, record.Source, record.Action, record.Target, record.Detail, "", "");
            _audit.Add(entry);
            return Task.FromResult(entry);
        }
    }

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSeq, int limit, CancellationToken cancellationToken) => Task.FromResult(Audit);

    public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken, AuditCheckpoint? checkpoint = null) =>
        Task.FromResult(new AuditVerification(true, Audit.Count, null, null));
}
