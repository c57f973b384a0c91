using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Query;

namespace Palisade.Acs.Storage;

/// <summary>The provisioning concern of the composite (<see cref="IProvisioningStore"/>).</summary>
public partial class CompositeStore
{
    /// <inheritdoc />
    public Task<long> GetRevisionAsync(CancellationToken cancellationToken) => _provisioning.GetRevisionAsync(cancellationToken);

    /// <inheritdoc />
    public Task<StoredPreset?> GetPresetAsync(string name, CancellationToken cancellationToken) => _provisioning.GetPresetAsync(name, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredPreset>> ListPresetsAsync(CancellationToken cancellationToken) => _provisioning.ListPresetsAsync(cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutPresetAsync(StoredPreset preset, CancellationToken cancellationToken) => _provisioning.PutPresetAsync(preset, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeletePresetAsync(string name, CancellationToken cancellationToken) => _provisioning.DeletePresetAsync(name, cancellationToken);

    /// <inheritdoc />
    public Task<StoredScript?> GetScriptAsync(ScriptKind kind, string name, CancellationToken cancellationToken) => _provisioning.GetScriptAsync(kind, name, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredScript>> ListScriptsAsync(ScriptKind kind, CancellationToken cancellationToken) => _provisioning.ListScriptsAsync(kind, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutScriptAsync(StoredScript script, CancellationToken cancellationToken) => _provisioning.PutScriptAsync(script, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteScriptAsync(ScriptKind kind, string name, CancellationToken cancellationToken) => _provisioning.DeleteScriptAsync(kind, name, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ChannelFault>> ListChannelFaultsAsync(DeviceId? id, Filter? filter, int limit, CancellationToken cancellationToken) => _provisioning.ListChannelFaultsAsync(id, filter, limit, cancellationToken);

    /// <inheritdoc />
    public Task PutChannelFaultAsync(ChannelFault fault, CancellationToken cancellationToken) => _provisioning.PutChannelFaultAsync(fault, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ClearChannelFaultAsync(DeviceId id, string channel, CancellationToken cancellationToken) => _provisioning.ClearChannelFaultAsync(id, channel, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteExpiredChannelFaultsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => _provisioning.DeleteExpiredChannelFaultsAsync(now, limit, cancellationToken);
}
