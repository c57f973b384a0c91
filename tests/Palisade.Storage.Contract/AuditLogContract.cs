using Palisade.Acs.Access;

namespace Palisade.Storage.Contract;

/// <summary>What every store does for the audit log (IAuditLog): a hash chain that verifies.</summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class AuditLogContract<TFactory> : StoreContract<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task The_audit_chain_verifies_and_links_each_entry_to_the_last()
    {
        IAuditLog audit = Store;
        var first = await audit.AppendAsync(new AuditRecord(T0, "key:ops", "192.0.2.7", "task.create", Id(1).ToString(), "{\"name\":\"reboot\"}"), CancellationToken.None);
        var second = await audit.AppendAsync(new AuditRecord(T0.AddSeconds(1), "user:admin", "192.0.2.8", "tag.add", Id(1).ToString(), "{\"tag\":\"beta\"}"), CancellationToken.None);
        Assert.Equal(AuditChain.Genesis, first.PrevHash);
        Assert.Equal(first.Hash, second.PrevHash);
        var verification = await audit.VerifyAuditAsync(CancellationToken.None);
        Assert.True(verification.Intact);
        Assert.Equal(2, verification.Entries);
        Assert.Equal([2L, 1L], (await audit.ListAuditAsync(null, 10, CancellationToken.None)).Select(e => e.Seq));
    }
}
