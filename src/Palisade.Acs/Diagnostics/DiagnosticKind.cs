namespace Palisade.Acs.Diagnostics;

/// <summary>One TR-143 diagnostic: where it lives in each data model and the inputs a task may set.</summary>
/// <param name="Name">The task name, e.g. <c>ipPing</c>.</param>
/// <param name="Tr181">The object under <c>Device.</c>, e.g. <c>IP.Diagnostics.IPPing.</c>.</param>
/// <param name="Tr098">The object under <c>InternetGatewayDevice.</c>, or null when TR-098 has none.</param>
/// <param name="Inputs">The inputs by their camelCase name.</param>
public sealed record DiagnosticKind(string Name, string Tr181, string? Tr098, IReadOnlyList<DiagnosticInput> Inputs)
{
    /// <summary>The diagnostics the ACS runs as tasks.</summary>
    public static readonly IReadOnlyList<DiagnosticKind> All =
    [
        new("ipPing", "IP.Diagnostics.IPPing.", "IPPingDiagnostics.",
        [
            new("host", "Host", false, Required: true), new("numberOfRepetitions", "NumberOfRepetitions", true), new("timeout", "Timeout", true),
            new("dataBlockSize", "DataBlockSize", true), new("interface", "Interface", false),
        ]),
        new("traceRoute", "IP.Diagnostics.TraceRoute.", "TraceRouteDiagnostics.",
        [
            new("host", "Host", false, Required: true), new("numberOfTries", "NumberOfTries", true), new("timeout", "Timeout", true),
            new("dataBlockSize", "DataBlockSize", true), new("maxHopCount", "MaxHopCount", true), new("interface", "Interface", false),
        ]),
        new("downloadDiagnostics", "IP.Diagnostics.DownloadDiagnostics.", "DownloadDiagnostics.",
        [
            new("downloadURL", "DownloadURL", false, Required: true), new("interface", "Interface", false),
        ]),
        new("uploadDiagnostics", "IP.Diagnostics.UploadDiagnostics.", "UploadDiagnostics.",
        [
            new("uploadURL", "UploadURL", false, Required: true), new("testFileLength", "TestFileLength", true, Required: true), new("interface", "Interface", false),
        ]),
        new("nsLookup", "DNS.Diagnostics.NSLookupDiagnostics.", "DNS.Diagnostics.NSLookupDiagnostics.",
        [
            new("hostName", "HostName", false, Required: true), new("dnsServer", "DNSServer", false), new("timeout", "Timeout", true),
            new("numberOfRepetitions", "NumberOfRepetitions", true), new("interface", "Interface", false),
        ]),
        new("udpEcho", "IP.Diagnostics.UDPEchoDiagnostics.", null,
        [
            new("host", "Host", false, Required: true), new("port", "Port", true, Required: true), new("numberOfRepetitions", "NumberOfRepetitions", true),
            new("timeout", "Timeout", true), new("dataBlockSize", "DataBlockSize", true), new("interTransmissionTime", "InterTransmissionTime", true),
            new("interface", "Interface", false),
        ]),
    ];

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public static DiagnosticKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>The object path for a device whose data model root is <paramref name="root"/> (<c>Device.</c> or <c>InternetGatewayDevice.</c>), or null.</summary>
    public string? ObjectFor(string root) =>
        root.StartsWith("InternetGatewayDevice", StringComparison.Ordinal) ? Tr098 is null ? null : "InternetGatewayDevice." + Tr098 : "Device." + Tr181;
}
