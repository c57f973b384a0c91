using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Palisade.Acs.Devices;

/// <summary>
/// A device's identity, <c>OUI-ProductClass-SerialNumber</c> (TR-069 A.3.3.1 DeviceIdStruct).
/// The text form escapes each part so that it is reversible and safe in URLs, file names and logs:
/// ASCII letters, digits, '_', '.' and '~' stand for themselves; every other byte of the part's
/// UTF-8 form, '-' and '%' included, is written <c>%XX</c> with upper-case hex.
/// </summary>
/// <param name="Oui">The manufacturer OUI.</param>
/// <param name="ProductClass">The product class; may be empty.</param>
/// <param name="SerialNumber">The serial number.</param>
public sealed record DeviceId(string Oui, string ProductClass, string SerialNumber)
{
    /// <summary>The longest text form accepted (three 64-character parts, each possibly escaped).</summary>
    public const int MaxTextLength = 3 * 64 * 3 + 2;

    // The text form is the key of the store, the session table and the nonce binding: a session asks for it
    // several times, so it is built once. It takes no part in equality, and a copy made by `with` starts without
    // it (the copy constructor below), so a changed part can never show a stale text.
    private string? _text;

    private DeviceId(DeviceId original)
    {
        Oui = original.Oui;
        ProductClass = original.ProductClass;
        SerialNumber = original.SerialNumber;
    }

    /// <summary>The escaped text form, e.g. <c>00D09E-HGW%2D1000-PLS0000001</c>.</summary>
    public override string ToString() => _text ??= string.Concat(Escape(Oui), "-", Escape(ProductClass), "-", Escape(SerialNumber));

    /// <summary>Equal when the three parts are equal (ordinal).</summary>
    public bool Equals(DeviceId? other) =>
        other is not null && Oui == other.Oui && ProductClass == other.ProductClass && SerialNumber == other.SerialNumber;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Oui, ProductClass, SerialNumber);

    /// <summary>Builds an identity from an Inform's DeviceId, refusing parts the standard does not allow.</summary>
    public static DeviceId FromInform(Cwmp.Structs.DeviceIdStruct id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return TryCreate(id.Oui, id.ProductClass, id.SerialNumber, out var deviceId, out var error)
            ? deviceId
            : throw new ArgumentException(error);
    }

    /// <summary>Checks the parts: OUI six hex digits, serial non-empty, each part at most 64 characters (TR-069 A.3.3.1).</summary>
    public static bool TryCreate(string oui, string productClass, string serialNumber, [NotNullWhen(true)] out DeviceId? id, [NotNullWhen(false)] out string? error)
    {
        id = null;
        if (oui is null || productClass is null || serialNumber is null)
        {
            error = "OUI, ProductClass and SerialNumber are required.";
            return false;
        }

        error = oui.Length != 6 || oui.AsSpan().ContainsAnyExcept(HexDigits) ? $"OUI '{Clip(oui)}' is not six hexadecimal digits."
            : serialNumber.Length is 0 or > 64 ? "SerialNumber must be 1 to 64 characters."
            : productClass.Length > 64 ? "ProductClass must be at most 64 characters."
            : HasControl(serialNumber) || HasControl(productClass) ? "Identity parts must not contain control characters."
            : null;
        if (error is not null)
        {
            return false;
        }

        id = new DeviceId(oui.ToUpperInvariant(), productClass, serialNumber);
        return true;
    }

    /// <summary>Parses the escaped text form; strict: exactly three parts and only well-formed escapes.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DeviceId? id)
    {
        id = null;
        if (text is null || text.Length > MaxTextLength)
        {
            return false;
        }

        var parts = text.Split('-');
        if (parts.Length != 3
            || !TryUnescape(parts[0], out var oui)
            || !TryUnescape(parts[1], out var productClass)
            || !TryUnescape(parts[2], out var serial))
        {
            return false;
        }

        return TryCreate(oui, productClass, serial, out id, out _) && id.ToString() == text;
    }

    private static string Escape(string part)
    {
        if (!part.AsSpan().ContainsAnyExcept(Unreserved))
        {
            return part;
        }

        var builder = new StringBuilder(part.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(part))
        {
            if (b < 0x80 && IsUnreserved((char)b))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static bool TryUnescape(string part, [NotNullWhen(true)] out string? value)
    {
        value = null;
        var bytes = new List<byte>(part.Length);
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            if (c == '%')
            {
                // An escape is '%' and two upper-case hex digits; anything else is not our form.
                if (i + 2 >= part.Length || !IsUpperHex(part[i + 1]) || !IsUpperHex(part[i + 2]))
                {
                    return false;
                }

                bytes.Add(Convert.ToByte(part.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (IsUnreserved(c))
            {
                bytes.Add((byte)c);
            }
            else
            {
                return false;
            }
        }

        try
        {
            value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool IsUpperHex(char c) => char.IsAsciiDigit(c) || char.IsAsciiHexDigitUpper(c);

    // ASCII letters, digits, '_', '.' and '~': the characters the text form writes as themselves.
    private static readonly SearchValues<char> Unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~");

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789ABCDEFabcdef");

    private static bool IsUnreserved(char c) => Unreserved.Contains(c);

    // char.IsControl's ranges: C0 controls, DEL and the C1 controls.
    private static bool HasControl(string text) =>
        text.AsSpan().ContainsAnyInRange('\u0000', '\u001F') || text.AsSpan().ContainsAnyInRange('\u007F', '\u009F');

    private static string Clip(string? text) => Palisade.Cwmp.ClientText.Shorten(text, 16);
}
