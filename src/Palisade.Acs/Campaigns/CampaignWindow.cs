namespace Palisade.Acs.Campaigns;

/// <summary>
/// A daily maintenance window in whole hours of the device's local time, [<see cref="StartHour"/>,
/// <see cref="EndHour"/>); it wraps midnight when the end is before the start (22–4). A device that reports its local
/// time (<see cref="DeviceLocalTime"/>) is started only while its local hour is inside it, any other in UTC hours;
/// those in progress finish outside it.
/// </summary>
/// <param name="StartHour">First hour (0–23).</param>
/// <param name="EndHour">Hour it ends (0–24), exclusive.</param>
public sealed record CampaignWindow(int StartHour, int EndHour)
{
    /// <summary>True when <paramref name="at"/> (as UTC) falls inside the window.</summary>
    public bool Contains(DateTimeOffset at) => Contains(at, TimeSpan.Zero);

    /// <summary>True when <paramref name="at"/>, read at UTC offset <paramref name="offset"/>, falls inside the window.</summary>
    public bool Contains(DateTimeOffset at, TimeSpan offset)
    {
        var hour = (at.UtcDateTime + offset).Hour;
        return StartHour <= EndHour ? hour >= StartHour && hour < EndHour : hour >= StartHour || hour < EndHour;
    }

    /// <summary>
    /// True when <paramref name="at"/> falls inside the window for a device whose cached local time is
    /// <paramref name="localTime"/> (null, or not a dateTime with an offset: UTC).
    /// </summary>
    public bool ContainsFor(DateTimeOffset at, string? localTime) => Contains(at, DeviceLocalTime.OffsetOf(localTime));
}
