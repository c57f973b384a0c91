using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Query;

namespace Palisade.Acs.Storage;

/// <summary>
/// The provisioning policy (presets, provisions, virtual parameters) and the provisioning faults of each device and
/// channel. Names are compared ordinally. Every write of a preset or script raises <see cref="GetRevisionAsync"/>, so a
/// node that caches the policy can tell cheaply that another one changed it.
/// </summary>
public interface IProvisioningStore
{
    /// <summary>A number that grows with every write (or delete) of a preset or script; 0 for a store never written.</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>A preset, or null.</summary>
    Task<StoredPreset?> GetPresetAsync(string name, CancellationToken cancellationToken);

    /// <summary>All presets, by name.</summary>
    Task<IReadOnlyList<StoredPreset>> ListPresetsAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces a preset; true when it was created.</summary>
    Task<bool> PutPresetAsync(StoredPreset preset, CancellationToken cancellationToken);

    /// <summary>Deletes a preset; false when there was none.</summary>
    Task<bool> DeletePresetAsync(string name, CancellationToken cancellationToken);

    /// <summary>A provision or virtual parameter, or null.</summary>
    Task<StoredScript?> GetScriptAsync(ScriptKind kind, string name, CancellationToken cancellationToken);

    /// <summary>All scripts of a kind, by name.</summary>
    Task<IReadOnlyList<StoredScript>> ListScriptsAsync(ScriptKind kind, CancellationToken cancellationToken);

    /// <summary>Creates or replaces a script; true when it was created.</summary>
    Task<bool> PutScriptAsync(StoredScript script, CancellationToken cancellationToken);

    /// <summary>Deletes a script; false when there was none.</summary>
    Task<bool> DeleteScriptAsync(ScriptKind kind, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Channel faults, newest first: of one device, of the devices a filter matches (only faults of stored devices then),
    /// or all; expired ones included (the caller decides).
    /// </summary>
    Task<IReadOnlyList<ChannelFault>> ListChannelFaultsAsync(DeviceId? id, Filter? filter, int limit, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the fault of <see cref="ChannelFault.Device"/> in <see cref="ChannelFault.Channel"/>. The
    /// device need not be stored yet (its first session faults before it commits).</summary>
    Task PutChannelFaultAsync(ChannelFault fault, CancellationToken cancellationToken);

    /// <summary>Removes a device's fault in a channel; false when there was none.</summary>
    Task<bool> ClearChannelFaultAsync(DeviceId id, string channel, CancellationToken cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> faults that expired before <paramref name="now"/>; returns how many.</summary>
    Task<int> DeleteExpiredChannelFaultsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);
}
