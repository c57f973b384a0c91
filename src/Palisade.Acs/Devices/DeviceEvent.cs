namespace Palisade.Acs.Devices;

/// <summary>
/// One entry of a device's event history: an Inform event, or what a CPE reported on its own (an autonomous transfer,
/// a deployment-unit change). The store keeps the latest <see cref="MaxPerDevice"/> per device.
/// </summary>
/// <param name="At">When the ACS received it.</param>
/// <param name="Code">The TR-069 event code, e.g. <c>10 AUTONOMOUS TRANSFER COMPLETE</c>.</param>
/// <param name="CommandKey">The command key the CPE gave with it, or null.</param>
/// <param name="Detail">What the CPE reported with it, as a small JSON object, or null.</param>
public sealed record DeviceEvent(DateTimeOffset At, string Code, string? CommandKey, string? Detail)
{
    /// <summary>How many events a device keeps; older ones are dropped as new ones arrive.</summary>
    public const int MaxPerDevice = 100;

    /// <summary>The longest event code kept (TR-069 event codes are at most 64 characters).</summary>
    public const int MaxCodeLength = 64;
}
