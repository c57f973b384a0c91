using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning.Scripts;

namespace Palisade.Acs.Provisioning;

/// <summary>Where provisioning keeps its faults per device and channel (the fault store), as the step needs it.</summary>
public interface IChannelFaultLog
{
    /// <summary>The device's standing channel faults.</summary>
    ValueTask<IReadOnlyList<ChannelFaultState>> GetAsync(DeviceId device, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="channel"/> faulted (<paramref name="retries"/> in a row; not to run before <paramref name="retryAfter"/>).</summary>
    ValueTask RecordAsync(DeviceId device, string channel, ScriptFault fault, int retries, DateTimeOffset retryAfter, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The channel ran to its end: its fault, if any, is cleared.</summary>
    ValueTask ClearAsync(DeviceId device, string channel, CancellationToken cancellationToken);
}
