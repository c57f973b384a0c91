using Palisade.Acs.Devices;
using Palisade.Cwmp;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// A provisioning fault of one device in one channel (GenieACS's fault document). While
/// <see cref="RetryAt"/> is in the future the channel's provisions are skipped; once it has passed they run again, and
/// a success clears the fault. After <see cref="ExpiresAt"/> the fault is forgotten and counting starts afresh.
/// </summary>
/// <param name="Device">The device.</param>
/// <param name="Channel">The preset channel (<c>default</c> when a preset names none).</param>
/// <param name="Code">What failed, e.g. <c>script.timeout</c>, <c>script.memory</c>, <c>cwmp.9005</c>.</param>
/// <param name="Message">A one-line explanation.</param>
/// <param name="Detail">More about it (a script's stack, the CWMP fault's parameter faults as JSON), or null.</param>
/// <param name="Provisions">The provisions the channel ran when it faulted.</param>
/// <param name="Retries">How many times the channel has faulted in a row before this one (0 on the first fault).</param>
/// <param name="Timestamp">When it faulted (last).</param>
/// <param name="RetryAt">When the channel's provisions may run again.</param>
/// <param name="ExpiresAt">When the fault is forgotten.</param>
public sealed record ChannelFault(
    DeviceId Device,
    string Channel,
    string Code,
    string Message,
    string? Detail,
    EquatableList<string> Provisions,
    int Retries,
    DateTimeOffset Timestamp,
    DateTimeOffset RetryAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>True while the channel must wait: the retry time has not come and the fault has not expired.</summary>
    public bool Blocks(DateTimeOffset now) => now < RetryAt && now < ExpiresAt;
}
