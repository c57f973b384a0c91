namespace Palisade.Acs.Access;

/// <summary>Users and API keys.</summary>
public interface IAccessStore
{
    Task<bool> AnyUserAsync(CancellationToken cancellationToken);

    Task CreateUserAsync(UserRecord user, CancellationToken cancellationToken);

    Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken);

    /// <summary>Records a login attempt: resets the failure count on success, else counts it and sets the lock.</summary>
    Task RecordLoginAsync(string name, bool success, DateTimeOffset? lockedUntil, CancellationToken cancellationToken);

    /// <summary>Every user, by name.</summary>
    Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken);

    /// <summary>Replaces a user's password hash; false when there is no such user.</summary>
    Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken);

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
/// <param name="Intact">Every entry follows the one before, unaltered, and the checkpoint (if given) is in the chain.</param>
/// <param name="Entries">Entries walked.</param>
/// <param name="FirstBadSeq">The first entry that is missing, out of place or altered.</param>
/// <param name="Problem">What is wrong with it.</param>
/// <param name="Head">The last entry, as a checkpoint to record outside the server (null when the log is empty).</param>
public sealed record AuditVerification(bool Intact, long Entries, long? FirstBadSeq, string? Problem, AuditCheckpoint? Head = null);

/// <summary>
/// An entry's place and hash, written <c>SEQ:HASH</c>. The chain shows any edit or deletion inside it, but not the
/// loss of its newest entries: whoever can rewrite the file can cut its tail and the rest still links up. A
/// checkpoint recorded elsewhere (a ticket, a SIEM, a printout) and checked later shows that too.
/// </summary>
public sealed record AuditCheckpoint(long Seq, string Hash)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Seq}:{Hash}");

    /// <summary>Reads <c>SEQ:HASH</c> (a positive sequence number, 64 hex digits).</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AuditCheckpoint? checkpoint)
    {
        checkpoint = null;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0 || !long.TryParse(text.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq) || seq < 1)
        {
            return false;
        }

        var hash = text![(colon + 1)..];
        if (hash.Length != 64 || hash.AsSpan().ContainsAnyExcept("0123456789abcdefABCDEF"))
        {
            return false;
        }

        checkpoint = new AuditCheckpoint(seq, hash.ToLowerInvariant());
        return true;
    }
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
