namespace Palisade.Cwmp.Envelope;

/// <summary>
/// The CWMP elements of a SOAP Header (TR-069 A.4.2). Every element is optional on the wire;
/// null means "absent". Real CPEs omit <c>ID</c> or send it without <c>mustUnderstand</c>, so
/// both are accepted and kept as received.
/// </summary>
public sealed record CwmpHeader
{
    /// <summary>An empty header.</summary>
    public static CwmpHeader Empty { get; } = new();

    /// <summary>The request/response correlation <c>ID</c>, or null when absent.</summary>
    public string? Id { get; init; }

    /// <summary>Whether <c>ID</c> carried <c>soap:mustUnderstand="1"</c> (the standard form, and what the writer produces).</summary>
    public bool IdMustUnderstand { get; init; } = true;

    /// <summary><c>HoldRequests</c>: when true the ACS asks the CPE to send no more requests of its own (A.4.2.2).</summary>
    public bool? HoldRequests { get; init; }

    /// <summary><c>NoMoreRequests</c> (CWMP 1.0 only, deprecated later): the sender will send no more requests.</summary>
    public bool? NoMoreRequests { get; init; }

    /// <summary><c>SessionTimeout</c> (CWMP 1.4): the CPE's session timeout in seconds, sent in the Inform.</summary>
    public uint? SessionTimeout { get; init; }

    /// <summary><c>SupportedCWMPVersions</c> (CWMP 1.4): the versions the CPE supports, e.g. <c>1.0,1.1,1.2,1.3,1.4</c>.</summary>
    public EquatableList<string>? SupportedCwmpVersions { get; init; }

    /// <summary><c>UseCWMPVersion</c> (CWMP 1.4): the version the ACS chose, in the InformResponse.</summary>
    public string? UseCwmpVersion { get; init; }
}
