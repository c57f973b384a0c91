using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Query;
using Palisade.Acs.Services;

namespace Palisade.Acs.Faults;

/// <summary>The provisioning faults, kept per device and channel (<see cref="ChannelFault"/>).</summary>
public sealed partial class FaultService
{
    /// <summary>Provisioning faults that have not expired, newest first, of one device, of the devices a filter matches, or of all.</summary>
    public async Task<IReadOnlyList<ChannelFault>> ListChannelFaultsAsync(Caller caller, string? deviceId, string? filterText, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadFaults);
        if (channels is null)
        {
            return [];
        }

        DeviceId? id = null;
        if (!string.IsNullOrEmpty(deviceId))
        {
            id = (await ScopedReads.DeviceAsync(registry, caller, deviceId, cancellationToken).ConfigureAwait(false)).Id;
        }

        var now = time.GetUtcNow();
        var filter = caller.Scoped(Filters.Parse(filterText, now));
        var faults = await channels.ListChannelFaultsAsync(id, filter, Math.Clamp(limit, 1, 1000), cancellationToken).ConfigureAwait(false);
        return [.. faults.Where(f => f.ExpiresAt > now)];
    }

    /// <summary>Clears a device's provisioning fault in a channel: its provisions run at the next session.</summary>
    public async Task ClearChannelFaultAsync(Caller caller, string deviceId, string channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.WriteFaults);
        var device = await ScopedReads.DeviceAsync(registry, caller, deviceId, cancellationToken).ConfigureAwait(false);
        if (channels is null || !await channels.ClearChannelFaultAsync(device.Id, channel, cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.NotFound("fault");
        }

        await audit.RecordAsync(caller, "fault.clear", device.Id.ToString(), new JsonObject { ["channel"] = channel }).ConfigureAwait(false);
    }
}
