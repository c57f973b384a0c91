using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>What one channel must change on the device now, in order: RPCs (with the alias keys a new instance gets), and tag changes (no RPC).</summary>
internal sealed class PlannedWrites
{
    public List<(CwmpMessage Request, IReadOnlyList<KeyValuePair<string, string>>? AliasKeys)> Rpcs { get; } = [];

    public List<(string Tag, bool Present)> Tags { get; } = [];

    public bool IsEmpty => Rpcs.Count == 0 && Tags.Count == 0;
}
