using Palisade.Acs.Sessions;

namespace Palisade.Acs.Provisioning;

/// <summary>What the provisioning step asks of the stored presets, provisions and virtual parameters.</summary>
public interface IProvisioningSource
{
    /// <summary>The channels whose presets match this session (events, precondition, schedule), each with its provisions in order; empty when none match.</summary>
    ValueTask<IReadOnlyList<ProvisioningChannel>> MatchAsync(CwmpSession session, CancellationToken cancellationToken);

    /// <summary>The script of virtual parameter <paramref name="name"/> (name, body, SHA-256), or null when there is none.</summary>
    ValueTask<ProvisionInvocation?> GetVirtualParameterAsync(string name, CancellationToken cancellationToken);
}
