using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Palisade.Cwmp.ConnectionRequests;

/// <summary>
/// The UDP connection request of TR-069 Annex G: an HTTP-formatted GET in one datagram carrying
/// <c>ts</c>, <c>id</c>, <c>un</c>, <c>cn</c> and <c>sig</c> = hex(HMAC-SHA1(password, ts‖id‖un‖cn)).
/// Building and checking it here keeps the ACS and the CPE on one definition.
/// </summary>
public sealed record UdpConnectionRequest(string Timestamp, string Id, string Username, string Cnonce, string Signature)
{
    public const int MaxDatagram = 1024;

    /// <summary>A signed datagram.</summary>
    public static byte[] Build(string host, long timestamp, string id, string username, string cnonce, string password)
    {
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        var sig = Convert.ToHexString(Sign(password, ts, id, username, cnonce));
        return Encoding.ASCII.GetBytes($"GET http://{host}?ts={ts}&id={Uri.EscapeDataString(id)}&un={Uri.EscapeDataString(username)}&cn={Uri.EscapeDataString(cnonce)}&sig={sig} HTTP/1.1\r\nHost: {host}\r\n\r\n");
    }

    /// <summary>Reads a datagram; false when it is not a well-formed Annex G message.</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, [NotNullWhen(true)] out UdpConnectionRequest? request)
    {
        request = null;
        if (datagram.Length is 0 or > MaxDatagram)
        {
            return false;
        }

        foreach (var b in datagram)
        {
            if (b is not ((>= 0x20 and <= 0x7E) or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        var text = Encoding.ASCII.GetString(datagram);
        var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        var parts = (lineEnd < 0 ? text : text[..lineEnd]).Split(' ');
        if (parts.Length != 3 || parts[0] != "GET" || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return false;
        }

        var q = parts[1].IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return false;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in parts[1][(q + 1)..].Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !fields.TryAdd(pair[..eq], Uri.UnescapeDataString(pair[(eq + 1)..])))
            {
                return false;
            }
        }

        if (!fields.TryGetValue("ts", out var ts) || !fields.TryGetValue("id", out var id) || !fields.TryGetValue("un", out var un)
            || !fields.TryGetValue("cn", out var cn) || !fields.TryGetValue("sig", out var sig))
        {
            return false;
        }

        request = new UdpConnectionRequest(ts, id, un, cn, sig);
        return true;
    }

    /// <summary>True when the signature is right for <paramref name="password"/> (constant-time).</summary>
    public bool Verify(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return Signature.Length == 40 && Signature.All(char.IsAsciiHexDigit)
            && CryptographicOperations.FixedTimeEquals(Sign(password, Timestamp, Id, Username, Cnonce), Convert.FromHexString(Signature));
    }

    /// <summary>The timestamp as Unix seconds, or null when it is not a number.</summary>
    public long? UnixTime => long.TryParse(Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;

#pragma warning disable CA5350 // HMAC-SHA1 is what TR-069 Annex G specifies; HMAC (unlike plain SHA-1) is not broken.
    private static byte[] Sign(string password, string ts, string id, string username, string cnonce) =>
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(ts + id + username + cnonce));
#pragma warning restore CA5350
}
