using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// What one channel must change on the device now, in order: RPCs (with the alias keys a new instance gets), tag
/// changes (no RPC), and the ACS's own <c>Downloads.*</c> records (no RPC) with the downloads they start.
/// </summary>
internal sealed class PlannedWrites
{
    public List<(CwmpMessage Request, IReadOnlyList<KeyValuePair<string, string>>? AliasKeys)> Rpcs { get; } = [];

    public List<(string Tag, bool Present)> Tags { get; } = [];

    /// <summary><c>Downloads.N.</c> instances to drop.</summary>
    public List<string> DownloadRemovals { get; } = [];

    /// <summary><c>Downloads.N.Field</c> values to record (new instances' fields included).</summary>
    public List<(string Path, string Value)> DownloadValues { get; } = [];

    /// <summary><c>Downloads.N.</c> instances whose declared Download time is later than their last download: send it.</summary>
    public List<string> DownloadStarts { get; } = [];

    public bool IsEmpty => Rpcs.Count == 0 && Tags.Count == 0 && DownloadRemovals.Count == 0 && DownloadValues.Count == 0 && DownloadStarts.Count == 0;
}
