namespace Palisade.Cwmp;

/// <summary>
/// A CWMP protocol version. 1.0 and 1.1 have namespaces of their own; 1.2, 1.3 and 1.4 share
/// <c>urn:dslforum-org:cwmp-1-2</c> and are told apart by the SupportedCWMPVersions /
/// UseCWMPVersion headers (TR-069 Amendment 6, 3.5 and A.2.1; cwmp-1-3.xsd and cwmp-1-4.xsd
/// both declare targetNamespace cwmp-1-2).
/// </summary>
public enum CwmpVersion
{
    /// <summary>CWMP 1.0 (TR-069 Amendment 1), namespace cwmp-1-0.</summary>
    V1_0 = 10,

    /// <summary>CWMP 1.1 (TR-069 Amendment 2), namespace cwmp-1-1.</summary>
    V1_1 = 11,

    /// <summary>CWMP 1.2 (TR-069 Amendment 3), namespace cwmp-1-2.</summary>
    V1_2 = 12,

    /// <summary>CWMP 1.3 (TR-069 Amendment 4), namespace cwmp-1-2.</summary>
    V1_3 = 13,

    /// <summary>CWMP 1.4 (TR-069 Amendment 5 and 6), namespace cwmp-1-2.</summary>
    V1_4 = 14,
}
