using Palisade.Cwmp.Values;

namespace Palisade.Acs.Campaigns;

/// <summary>
/// The UTC offset a device reports with its local time: <c>Device.Time.CurrentLocalTime</c> (TR-181) or
/// <c>InternetGatewayDevice.Time.CurrentLocalTime</c> (TR-098), an xsd:dateTime with an offset, as cached when the
/// device last reported it. A campaign's maintenance window is read in that offset. The offset is the one of the last
/// value read: after a daylight-saving change the device is an hour off until its local time is read again.
/// </summary>
public static class DeviceLocalTime
{
    /// <summary>The parameters that carry a device's local time, one per data model.</summary>
    public static IReadOnlyList<string> Paths { get; } = ["Device.Time.CurrentLocalTime", "InternetGatewayDevice.Time.CurrentLocalTime"];

    /// <summary>
    /// The offset of <paramref name="value"/>; zero (UTC) when there is none, or the value is not a dateTime, or it
    /// has no zone (CWMP reads such a value as UTC).
    /// </summary>
    public static TimeSpan OffsetOf(string? value) => CwmpDateTime.TryParse(value, out var parsed) ? parsed.Offset : TimeSpan.Zero;
}
