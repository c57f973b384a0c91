namespace Palisade.Acs.Access;

/// <summary>The append-only, hash-chained audit log.</summary>
public interface IAuditLog
{
    Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSeq, int limit, CancellationToken cancellationToken);

    /// <summary>Walks the chain; with <paramref name="checkpoint"/>, also checks that the entry recorded then is still there, unchanged.</summary>
    Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken, AuditCheckpoint? checkpoint = null);
}
