using Palisade.Acs.Provisioning.Declarations;

namespace Palisade.Acs.Provisioning;

/// <summary>The provisioning step's state within one session (kept with <see cref="Sessions.CwmpSession.SetStepState"/>).</summary>
internal sealed class ProvisioningSession(ProvisioningRun run, List<ChannelState> channels)
{
    public ProvisioningRun Run { get; } = run;

    public List<ChannelState> Channels { get; } = channels;

    /// <summary>Rounds run so far (each a run of the active channels, then a batch of RPCs, or none).</summary>
    public int Rounds { get; set; }

    /// <summary>Loads of subtrees from the store so far (after two, the whole tree is loaded).</summary>
    public int StoreLoads { get; set; }

    /// <summary>RPCs of this step sent in this session.</summary>
    public int Rpcs { get; set; }

    /// <summary>Every channel has settled or faulted, and the faults are recorded.</summary>
    public bool Done { get; set; }

    public static ProvisioningSession Nothing { get; } = new(null!, []) { Done = true };
}

/// <summary>What an RPC of the provisioning step is for.</summary>
/// <param name="Channel">The channel that writes, or null for a fetch shared by every channel.</param>
/// <param name="AliasKeys">For an AddObject: the alias filter's keys to set on the new instance.</param>
internal sealed record ProvisioningRpc(ChannelState? Channel, IReadOnlyList<KeyValuePair<string, string>>? AliasKeys = null);
