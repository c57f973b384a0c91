using Palisade.Acs.Devices;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// Faults per device and channel, as the provisioning step records and clears them. The back-off and expiry rules
/// live behind this interface (<see cref="ChannelFaultService"/>): the step only reports what happened.
/// </summary>
public interface IChannelFaults
{
    /// <summary>The device's faults that have not expired, by channel. Skip the calls of a channel whose fault
    /// <see cref="ChannelFault.Blocks"/> now.</summary>
    ValueTask<IReadOnlyDictionary<string, ChannelFault>> GetAsync(DeviceId device, CancellationToken cancellationToken);

    /// <summary>
    /// Records that a channel faulted: the retry count goes up by one from the previous unexpired fault of that channel
    /// (if any) and the next retry waits exponentially longer. Returns the fault as stored.
    /// </summary>
    ValueTask<ChannelFault> RecordAsync(DeviceId device, string channel, ChannelFaultReport report, CancellationToken cancellationToken);

    /// <summary>Clears a channel's fault (its provisions ran cleanly); false when it had none.</summary>
    ValueTask<bool> ClearAsync(DeviceId device, string channel, CancellationToken cancellationToken);
}
