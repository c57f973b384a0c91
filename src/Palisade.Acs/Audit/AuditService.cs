using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Services;

namespace Palisade.Acs.Audit;

/// <summary>
/// The audit log as the API and the console see it: every write a service makes is recorded here with who, what,
/// when and from where; readers list and verify the chain.
/// </summary>
public sealed class AuditService(IAuditLog log, TimeProvider time)
{
    /// <summary>Appends one entry for <paramref name="caller"/>. Never cancelled: a write that happened is always recorded.</summary>
    public Task<AuditEntry> RecordAsync(Caller caller, string action, string target, JsonObject detail)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(detail);
        return RecordAsync(caller.Actor, caller.Source, action, target, detail);
    }

    /// <summary>Appends one entry for an actor that is not (yet) a caller: a login, a refused request.</summary>
    public Task<AuditEntry> RecordAsync(string actor, string source, string action, string target, JsonObject detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        return log.AppendAsync(new AuditRecord(time.GetUtcNow(), actor, source, action, target, detail.ToJsonString()), CancellationToken.None);
    }

    /// <summary>Entries newest first, before <paramref name="beforeSeq"/> when given.</summary>
    public Task<IReadOnlyList<AuditEntry>> ListAsync(Caller caller, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadAudit);
        return log.ListAuditAsync(beforeSeq, Math.Clamp(limit, 1, 1000), cancellationToken);
    }

    /// <summary>Walks the chain; <paramref name="expect"/> is a checkpoint <c>SEQ:HASH</c> recorded earlier, or null.</summary>
    public Task<AuditVerification> VerifyAsync(Caller caller, string? expect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadAudit);
        AuditCheckpoint? checkpoint = null;
        if (!string.IsNullOrEmpty(expect) && !AuditCheckpoint.TryParse(expect, out checkpoint))
        {
            throw ServiceException.Invalid("expect", "expect must be a checkpoint SEQ:HASH as returned in 'checkpoint'.");
        }

        return log.VerifyAuditAsync(cancellationToken, checkpoint);
    }
}
