using System.Globalization;

namespace Palisade.Cwmp.Values;

/// <summary>
/// CWMP <c>dateTime</c> values (TR-069 A.2.1 note on dateTime): with or without a zone, with or
/// without fractional seconds, and the special "unknown time" 0001-01-01T00:00:00Z.
/// </summary>
public static class CwmpDateTime
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
    ];

    /// <summary>The "unknown time" value, 0001-01-01T00:00:00Z.</summary>
    public static DateTimeOffset Unknown { get; } = new(1, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>True for the "unknown time".</summary>
    public static bool IsUnknown(DateTimeOffset value) => value == Unknown;

    /// <summary>
    /// Parses a CWMP dateTime. A value without a zone is read as UTC: TR-069 says such values
    /// are relative (e.g. time since boot on a CPE without NTP), and UTC keeps them comparable.
    /// </summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length is < 19 or > 40)
        {
            return false;
        }

        return DateTimeOffset.TryParseExact(
            trimmed,
            Formats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces,
            out value);
    }

    /// <summary>Formats with a zone, e.g. <c>2026-11-25T05:30:00Z</c> or <c>…+01:00</c>, and fractional seconds only when present.</summary>
    public static string Format(DateTimeOffset value)
    {
        var fraction = value.Ticks % TimeSpan.TicksPerSecond != 0 ? ".FFFFFFF" : string.Empty;
        var pattern = "yyyy-MM-dd'T'HH:mm:ss" + fraction;
        var body = value.ToString(pattern, CultureInfo.InvariantCulture);
        return value.Offset == TimeSpan.Zero ? body + "Z" : body + value.ToString("zzz", CultureInfo.InvariantCulture);
    }
}
