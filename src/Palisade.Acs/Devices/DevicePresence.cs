namespace Palisade.Acs.Devices;

/// <summary>Whether a device counts as online.</summary>
public static class DevicePresence
{
    /// <summary>How long after a missed periodic inform a device still counts as online.</summary>
    public static readonly TimeSpan OnlineGrace = TimeSpan.FromMinutes(5);

    /// <summary>Online: informed within its periodic interval plus grace, or answered a connection request within the grace.</summary>
    public static bool IsOnline(Device device, DateTimeOffset now, DateTimeOffset? reachedAt = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        return (device.LastInformAt is { } last && now - last <= TimeSpan.FromSeconds(device.PeriodicInformInterval ?? 3600) + OnlineGrace)
            || (reachedAt is { } reached && now - reached <= OnlineGrace);
    }
}
