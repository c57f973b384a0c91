namespace Palisade.Acs.Access;

/// <summary>Users and API keys.</summary>
public interface IAccessStore
{
    Task<bool> AnyUserAsync(CancellationToken cancellationToken);

    Task CreateUserAsync(UserRecord user, CancellationToken cancellationToken);

    Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken);

    /// <summary>Records a login attempt: resets the failure count on success, else counts it and sets the lock.</summary>
    Task RecordLoginAsync(string name, bool success, DateTimeOffset? lockedUntil, CancellationToken cancellationToken);

    Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken);

    Task<bool> RevokeKeyAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>One audited write: who, what, when, from where.</summary>
public sealed record AuditRecord(DateTimeOffset At, string Actor, string Source, string Action, string Target, string Detail);

/// <summary>A stored audit entry with its place in the hash chain.</summary>
public sealed record AuditEntry(long Seq, DateTimeOffset At, string Actor, string Source, string Action, string Target, string Detail, string PrevHash, string Hash);

/// <summary>The result of walking the chain.</summary>
public sealed record AuditVerification(bool Intact, long Entries, long? FirstBadSeq, string? Problem);

/// <summary>The append-only, hash-chained audit log.</summary>
public interface IAuditLog
{
    Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSeq, int limit, CancellationToken cancellationToken);

    Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken);
}

/// <summary>The hash of an audit entry: SHA-256 over its fields and the previous hash.</summary>
public static class AuditChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Hash(long seq, DateTimeOffset at, string actor, string source, string action, string target, string detail, string prevHash)
    {
        // Length-prefixed fields: no two different entries share a canonical form.
        var builder = new System.Text.StringBuilder();
        foreach (var field in new[] { seq.ToString(System.Globalization.CultureInfo.InvariantCulture), at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), actor, source, action, target, detail, prevHash })
        {
            builder.Append(field.Length).Append(':').Append(field).Append('\n');
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(builder.ToString())));
    }
}
