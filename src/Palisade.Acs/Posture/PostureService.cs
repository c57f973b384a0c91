using Palisade.Acs.Access;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Posture;

/// <summary>The fleet's security posture for a caller who may read the whole fleet.</summary>
public sealed class PostureService(IDeviceRegistry store, IReadOnlyList<string> allowedAcsHosts, TimeProvider time)
{
    /// <summary>Every posture item; <paramref name="minimumFirmware"/> adds the old-firmware item.</summary>
    public Task<IReadOnlyList<PostureItem>> ComputeAsync(Caller caller, string? minimumFirmware, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadDevices);
        if (caller.DeviceScope is not null)
        {
            throw ServiceException.Forbidden("Your role does not include the permission 'fleet-wide read (this key is limited to a device filter)'.");
        }

        return FleetPosture.ComputeAsync(store, allowedAcsHosts, string.IsNullOrEmpty(minimumFirmware) ? null : minimumFirmware, time.GetUtcNow(), cancellationToken);
    }
}
