using Palisade.Acs.Devices;

namespace Palisade.Acs.Storage;

/// <summary>A device's event history (<see cref="DeviceEvent"/>), written by the session commit.</summary>
public interface IDeviceEventLog
{
    /// <summary>The device's latest events, newest first, at most <paramref name="limit"/>; empty for an unknown device.</summary>
    Task<IReadOnlyList<DeviceEvent>> ListEventsAsync(DeviceId id, int limit, CancellationToken cancellationToken);
}
