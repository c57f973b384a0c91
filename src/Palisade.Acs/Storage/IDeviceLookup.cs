using Palisade.Acs.Devices;

namespace Palisade.Acs.Storage;

/// <summary>Reading one device: shared by the session engine (<see cref="ISessionStore"/>) and the registry (<see cref="IDeviceRegistry"/>).</summary>
public interface IDeviceLookup
{
    /// <summary>The device, or null if it never contacted the ACS (or was deleted).</summary>
    Task<Device?> GetDeviceAsync(DeviceId id, CancellationToken cancellationToken);
}
