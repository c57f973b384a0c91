using Microsoft.Extensions.Logging;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// The provisioning policy of one node, built once by the host and shared: the sessions' <see cref="Catalog"/> and
/// <see cref="Faults"/> (what the provisioning step uses) and the operators' <see cref="ProvisioningService"/> (which
/// refreshes that same catalog on every write).
/// </summary>
public sealed class ProvisioningPolicy
{
    private ProvisioningPolicy(ProvisionCatalog catalog, ChannelFaultService faults, ProvisioningLimits limits)
    {
        Catalog = catalog;
        Faults = faults;
        Limits = limits;
    }

    /// <summary>Presets matched and scripts by name, cached.</summary>
    public ProvisionCatalog Catalog { get; }

    /// <summary>Channel faults with their back-off.</summary>
    public ChannelFaultService Faults { get; }

    /// <summary>The bounds on what operators write.</summary>
    public ProvisioningLimits Limits { get; }

    /// <summary>Builds the policy over a store; the options are validated here.</summary>
    public static ProvisioningPolicy Create(IProvisioningStore store, ProvisioningLimits limits, ChannelFaultOptions faults, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(faults);
        limits.Validate();
        faults.Validate();
        return new ProvisioningPolicy(new ProvisionCatalog(store, limits, time, logger), new ChannelFaultService(store, faults, time), limits);
    }
}
