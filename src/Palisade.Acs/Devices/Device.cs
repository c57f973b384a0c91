namespace Palisade.Acs.Devices;

/// <summary>
/// What the ACS knows about one device apart from its parameter tree: identity, how and when it
/// last talked to us, its credentials (hashed where the scheme allows) and its connection-request
/// endpoint. Immutable; the session engine produces a new one and commits it with the session.
/// </summary>
public sealed record Device
{
    /// <summary>The identity.</summary>
    public required DeviceId Id { get; init; }

    /// <summary>The manufacturer name from the Inform.</summary>
    public string Manufacturer { get; init; } = string.Empty;

    /// <summary>When the device first contacted the ACS.</summary>
    public required DateTimeOffset RegisteredAt { get; init; }

    /// <summary>The last Inform.</summary>
    public DateTimeOffset? LastInformAt { get; init; }

    /// <summary>The last Inform carrying 1 BOOT.</summary>
    public DateTimeOffset? LastBootAt { get; init; }

    /// <summary>The last Inform carrying 0 BOOTSTRAP.</summary>
    public DateTimeOffset? LastBootstrapAt { get; init; }

    /// <summary>The event codes of the last Inform, comma-separated.</summary>
    public string LastEvents { get; init; } = string.Empty;

    /// <summary>The CWMP version used in the last session, e.g. <c>1.4</c>.</summary>
    public string? CwmpVersion { get; init; }

    /// <summary>The peer address of the last session.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>How the last session was carried: <c>tls1.2</c>, <c>tls1.3</c> or <c>plaintext</c>.</summary>
    public string? Transport { get; init; }

    /// <summary>How the device authenticated last: <see cref="AuthMethods"/>.</summary>
    public string? AuthMethod { get; init; }

    /// <summary>The root object of its data model: <c>Device</c> (TR-181) or <c>InternetGatewayDevice</c> (TR-098).</summary>
    public string? DataModelRoot { get; init; }

    /// <summary>Its ACS credentials.</summary>
    public DeviceCredentials Credentials { get; init; } = DeviceCredentials.None;

    /// <summary>Its connection-request endpoint and credentials, as it reported them.</summary>
    public ConnectionRequestEndpoint? ConnectionRequest { get; init; }

    /// <summary>Its PeriodicInformInterval in seconds, if known.</summary>
    public uint? PeriodicInformInterval { get; init; }

    /// <summary>The <c>ManagementServer.URL</c> it reported last.</summary>
    public string? AcsUrl { get; init; }

    /// <summary>The software version it reported last.</summary>
    public string? SoftwareVersion { get; init; }

    /// <summary>When this ACS last set the device's ManagementServer.URL (a moveToHttps or a task writing it), or null.</summary>
    public DateTimeOffset? AcsUrlSetAt { get; init; }

    /// <summary>True when the device's latest BOOTSTRAP was its first since this ACS set its URL: expected, not a sign of tampering.</summary>
    public bool BootstrapExpected { get; init; }
}
