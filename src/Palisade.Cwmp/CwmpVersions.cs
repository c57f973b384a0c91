using System.Diagnostics.CodeAnalysis;

namespace Palisade.Cwmp;

/// <summary>Namespaces, text forms and negotiation of <see cref="CwmpVersion"/>.</summary>
public static class CwmpVersions
{
    /// <summary>The SOAP 1.1 envelope namespace.</summary>
    public const string SoapEnvelopeNamespace = "http://schemas.xmlsoap.org/soap/envelope/";

    /// <summary>The SOAP 1.1 encoding namespace (arrays, <c>arrayType</c>).</summary>
    public const string SoapEncodingNamespace = "http://schemas.xmlsoap.org/soap/encoding/";

    /// <summary>The XML Schema namespace used in <c>xsi:type</c> values.</summary>
    public const string XsdNamespace = "http://www.w3.org/2001/XMLSchema";

    /// <summary>The XML Schema instance namespace of <c>xsi:type</c>.</summary>
    public const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    private const string NamespacePrefix = "urn:dslforum-org:cwmp-1-";

    /// <summary>Every version, oldest first.</summary>
    public static IReadOnlyList<CwmpVersion> All { get; } =
        [CwmpVersion.V1_0, CwmpVersion.V1_1, CwmpVersion.V1_2, CwmpVersion.V1_3, CwmpVersion.V1_4];

    /// <summary>The newest version this library speaks.</summary>
    public static CwmpVersion Latest => CwmpVersion.V1_4;

    /// <summary>The namespace a message of <paramref name="version"/> is written in.</summary>
    public static string NamespaceOf(CwmpVersion version) => version switch
    {
        CwmpVersion.V1_0 => NamespacePrefix + "0",
        CwmpVersion.V1_1 => NamespacePrefix + "1",
        CwmpVersion.V1_2 or CwmpVersion.V1_3 or CwmpVersion.V1_4 => NamespacePrefix + "2",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown CWMP version."),
    };

    /// <summary>
    /// The version a namespace announces. <c>cwmp-1-3</c> and <c>cwmp-1-4</c> are not standard
    /// namespaces but some stacks send them; they are read as the version they name.
    /// </summary>
    public static bool TryFromNamespace(string? ns, out CwmpVersion version)
    {
        version = default;
        if (ns is null || ns.Length != NamespacePrefix.Length + 1 || !ns.StartsWith(NamespacePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        switch (ns[^1])
        {
            case '0': version = CwmpVersion.V1_0; return true;
            case '1': version = CwmpVersion.V1_1; return true;
            case '2': version = CwmpVersion.V1_2; return true;
            case '3': version = CwmpVersion.V1_3; return true;
            case '4': version = CwmpVersion.V1_4; return true;
            default: return false;
        }
    }

    /// <summary>True when <paramref name="ns"/> is any CWMP namespace.</summary>
    public static bool IsCwmpNamespace(string? ns) => TryFromNamespace(ns, out _);

    /// <summary>The text form used in headers, e.g. <c>1.4</c>.</summary>
    public static string ToText(CwmpVersion version) => version switch
    {
        CwmpVersion.V1_0 => "1.0",
        CwmpVersion.V1_1 => "1.1",
        CwmpVersion.V1_2 => "1.2",
        CwmpVersion.V1_3 => "1.3",
        CwmpVersion.V1_4 => "1.4",
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown CWMP version."),
    };

    /// <summary>Parses <c>1.0</c> … <c>1.4</c>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CwmpVersion? version)
    {
        version = text?.Trim() switch
        {
            "1.0" => CwmpVersion.V1_0,
            "1.1" => CwmpVersion.V1_1,
            "1.2" => CwmpVersion.V1_2,
            "1.3" => CwmpVersion.V1_3,
            "1.4" => CwmpVersion.V1_4,
            _ => null,
        };
        return version is not null;
    }

    /// <summary>
    /// The version an ACS should use with a CPE (TR-069 A.2.1): the highest version in the
    /// CPE's SupportedCWMPVersions that the ACS also supports, and never newer than
    /// <paramref name="acsMaximum"/>. Without that header the CPE's namespace version is used.
    /// </summary>
    public static CwmpVersion Negotiate(CwmpVersion envelopeVersion, IReadOnlyList<string>? cpeSupported, CwmpVersion acsMaximum)
    {
        var best = envelopeVersion <= acsMaximum ? envelopeVersion : acsMaximum;
        if (cpeSupported is null)
        {
            return best;
        }

        foreach (var text in cpeSupported)
        {
            if (TryParse(text, out var offered) && offered.Value <= acsMaximum && offered.Value > best)
            {
                best = offered.Value;
            }
        }

        return best;
    }
}
