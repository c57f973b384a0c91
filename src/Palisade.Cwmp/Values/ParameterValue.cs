using System.Globalization;

namespace Palisade.Cwmp.Values;

/// <summary>
/// A typed CWMP parameter value: the <c>xsi:type</c> it carries and its text. The text is kept
/// as received (so a message round-trips exactly) and was checked against the type when parsed:
/// a value that does not fit its declared type is an error, never a silent default.
/// </summary>
public sealed record ParameterValue
{
    private ParameterValue(XsdType type, string typeName, string text)
    {
        Type = type;
        TypeName = typeName;
        Text = text;
    }

    /// <summary>The interpreted type.</summary>
    public XsdType Type { get; }

    /// <summary>The type name without prefix as it is written in <c>xsi:type</c>, e.g. <c>unsignedInt</c>, or a vendor type name.</summary>
    public string TypeName { get; }

    /// <summary>The value's text.</summary>
    public string Text { get; }

    /// <summary>An <c>xsd:string</c>.</summary>
    public static ParameterValue String(string text) => new(XsdType.String, "string", text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>An <c>xsd:int</c>.</summary>
    public static ParameterValue Int(int value) => new(XsdType.Int, "int", value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An <c>xsd:unsignedInt</c>.</summary>
    public static ParameterValue UnsignedInt(uint value) => new(XsdType.UnsignedInt, "unsignedInt", value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An <c>xsd:long</c>.</summary>
    public static ParameterValue Long(long value) => new(XsdType.Long, "long", value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An <c>xsd:unsignedLong</c>.</summary>
    public static ParameterValue UnsignedLong(ulong value) => new(XsdType.UnsignedLong, "unsignedLong", value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An <c>xsd:boolean</c>, written as <c>true</c>/<c>false</c>.</summary>
    public static ParameterValue Boolean(bool value) => new(XsdType.Boolean, "boolean", value ? "true" : "false");

    /// <summary>An <c>xsd:dateTime</c>.</summary>
    public static ParameterValue DateTime(DateTimeOffset value) => new(XsdType.DateTime, "dateTime", CwmpDateTime.Format(value));

    /// <summary>An <c>xsd:base64Binary</c>.</summary>
    public static ParameterValue Base64(ReadOnlySpan<byte> bytes) => new(XsdType.Base64, "base64Binary", Convert.ToBase64String(bytes));

    /// <summary>An <c>xsd:hexBinary</c>.</summary>
    public static ParameterValue HexBinary(ReadOnlySpan<byte> bytes) => new(XsdType.HexBinary, "hexBinary", Convert.ToHexString(bytes));

    /// <summary>
    /// Builds a value from a type name (with or without prefix; null or empty means string, as
    /// CPEs that omit <c>xsi:type</c> intend) and text, checking that the text fits the type.
    /// </summary>
    /// <exception cref="CwmpException">With <see cref="CwmpErrorReason.InvalidArguments"/> when the text does not fit.</exception>
    public static ParameterValue Parse(string? typeName, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var local = StripPrefix(typeName);
        var type = Classify(local);
        if (type == XsdType.String)
        {
            return new ParameterValue(XsdType.String, "string", text);
        }

        if (type == XsdType.Other)
        {
            return new ParameterValue(XsdType.Other, local, text);
        }

        // xsd:whiteSpace is "collapse" for every non-string built-in type.
        var trimmed = text.Trim();
        if (!Fits(type, trimmed))
        {
            throw new CwmpException(CwmpErrorReason.InvalidArguments, $"Value '{Truncate(trimmed)}' is not a valid {local}.");
        }

        return new ParameterValue(type, TypeNameOf(type), trimmed);
    }

    /// <summary>True when <paramref name="text"/> is valid for <paramref name="type"/>.</summary>
    public static bool Fits(XsdType type, string text) => type switch
    {
        XsdType.String or XsdType.Other => true,
        XsdType.Int => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        XsdType.UnsignedInt => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) || IsPlusUnsigned(text, 10),
        XsdType.Long => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        XsdType.UnsignedLong => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) || IsPlusUnsigned(text, 20),
        XsdType.Boolean => TryParseBoolean(text, out _),
        XsdType.DateTime => CwmpDateTime.TryParse(text, out _),
        XsdType.Base64 => IsBase64(text),
        XsdType.HexBinary => text.Length % 2 == 0 && text.All(char.IsAsciiHexDigit),
        _ => false,
    };

    /// <summary>The type for a name like <c>xsd:unsignedInt</c> or <c>unsignedInt</c>.</summary>
    public static XsdType Classify(string? typeName) => StripPrefix(typeName) switch
    {
        "" or "string" => XsdType.String,
        "int" => XsdType.Int,
        "unsignedInt" => XsdType.UnsignedInt,
        "long" => XsdType.Long,
        "unsignedLong" => XsdType.UnsignedLong,
        "boolean" => XsdType.Boolean,
        "dateTime" => XsdType.DateTime,
        "base64" or "base64Binary" => XsdType.Base64,
        "hexBinary" => XsdType.HexBinary,
        _ => XsdType.Other,
    };

    /// <summary>The value as a boolean.</summary>
    public bool AsBoolean() => TryParseBoolean(Text, out var b) ? b : throw NotA("boolean");

    /// <summary>The value as a signed 64-bit integer (int, unsignedInt and long fit).</summary>
    public long AsInt64() => long.TryParse(Text.TrimStart('+'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : throw NotA("integer");

    /// <summary>The value as an unsigned 64-bit integer.</summary>
    public ulong AsUInt64() => ulong.TryParse(Text.TrimStart('+'), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw NotA("unsigned integer");

    /// <summary>The value as a date and time.</summary>
    public DateTimeOffset AsDateTime() => CwmpDateTime.TryParse(Text, out var v) ? v : throw NotA("dateTime");

    /// <summary>The value's bytes (base64 or hexBinary).</summary>
    public byte[] AsBytes() => Type switch
    {
        XsdType.Base64 => Convert.FromBase64String(Text),
        XsdType.HexBinary => Convert.FromHexString(Text),
        _ => throw NotA("binary value"),
    };

    /// <inheritdoc />
    public override string ToString() => $"{Text} ({TypeName})";

    /// <summary>Parses xsd:boolean: <c>0</c>, <c>1</c>, <c>true</c>, <c>false</c> (case-insensitive, as deployed CPEs send <c>True</c>).</summary>
    public static bool TryParseBoolean(string text, out bool value)
    {
        switch (text.Trim())
        {
            case "1":
                value = true;
                return true;
            case "0":
                value = false;
                return true;
            case var t when t.Equals("true", StringComparison.OrdinalIgnoreCase):
                value = true;
                return true;
            case var t when t.Equals("false", StringComparison.OrdinalIgnoreCase):
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static bool IsPlusUnsigned(string text, int maxDigits) =>
        text.Length > 1 && text[0] == '+' && text.Length - 1 <= maxDigits && text.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0
        && ulong.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && (maxDigits > 10 || v <= uint.MaxValue);

    private static bool IsBase64(string text)
    {
        var buffer = text.Length <= 1024 ? stackalloc byte[text.Length] : new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    private static string StripPrefix(string? typeName)
    {
        if (string.IsNullOrEmpty(typeName))
        {
            return string.Empty;
        }

        var colon = typeName.IndexOf(':', StringComparison.Ordinal);
        return (colon >= 0 ? typeName[(colon + 1)..] : typeName).Trim();
    }

    /// <summary>The canonical xsd type name CWMP uses for <paramref name="type"/>.</summary>
    public static string TypeNameOf(XsdType type) => type switch
    {
        XsdType.Int => "int",
        XsdType.UnsignedInt => "unsignedInt",
        XsdType.Long => "long",
        XsdType.UnsignedLong => "unsignedLong",
        XsdType.Boolean => "boolean",
        XsdType.DateTime => "dateTime",
        XsdType.Base64 => "base64Binary",
        XsdType.HexBinary => "hexBinary",
        _ => "string",
    };

    private static string Truncate(string text) => ClientText.Clip(text);

    private FormatException NotA(string what) => new($"'{Truncate(Text)}' ({TypeName}) is not a {what}.");
}
