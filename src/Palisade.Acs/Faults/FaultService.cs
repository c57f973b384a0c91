using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Audit;
using Palisade.Acs.Devices;
using Palisade.Acs.Query;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Faults;

/// <summary>
/// Faulted tasks and provisioning faults (per device and channel): listed by device or filter within the caller's
/// scope, and cleared once dealt with.
/// </summary>
public sealed partial class FaultService(ITaskStore store, IDeviceRegistry registry, AuditService audit, TimeProvider time, IProvisioningStore? channels = null)
{
    /// <summary>Faults newest first, of one device (<paramref name="deviceId"/>), of the devices a filter matches, or of all.</summary>
    public async Task<IReadOnlyList<DeviceTask>> ListAsync(Caller caller, string? deviceId, string? filterText, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadFaults);
        DeviceId? id = null;
        if (!string.IsNullOrEmpty(deviceId))
        {
            id = (await ScopedReads.DeviceAsync(registry, caller, deviceId, cancellationToken).ConfigureAwait(false)).Id;
        }

        var filter = caller.Scoped(Filters.Parse(filterText, time.GetUtcNow()));
        var faults = await store.ListFaultsAsync(id, filter, Math.Clamp(limit, 1, 1000), cancellationToken).ConfigureAwait(false);
        return [.. faults.Select(Tasks.TaskRedaction.Redact)];
    }

    /// <summary>Removes a fault (it was dealt with).</summary>
    public async Task ClearAsync(Caller caller, long taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.WriteFaults);
        if (await ScopedReads.TaskAsync(store, registry, caller, taskId, cancellationToken).ConfigureAwait(false) is not { } task || !await store.ClearFaultAsync(taskId, cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.NotFound("fault");
        }

        await audit.RecordAsync(caller, "fault.clear", task.DeviceId.ToString(), new JsonObject { ["task"] = taskId, ["code"] = task.Fault?.Code }).ConfigureAwait(false);
    }
}
