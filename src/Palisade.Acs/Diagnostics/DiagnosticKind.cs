namespace Palisade.Acs.Diagnostics;

/// <summary>
/// One TR-143 diagnostic: where it lives in each data model and the inputs a task may set, each number bounded by the
/// data model's range (TR-181 2.17, TR-098 1.8) or, where the model has no upper bound, by Palisade's own.
/// </summary>
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
            new("host", "Host", false, Required: true), DiagnosticInput.Repetitions(), DiagnosticInput.Timeout(),
            DiagnosticInput.DataBlockSize(), new("interface", "Interface", false),
        ]),
        new("traceRoute", "IP.Diagnostics.TraceRoute.", "TraceRouteDiagnostics.",
        [
            new("host", "Host", false, Required: true), new("numberOfTries", "NumberOfTries", true, Min: 1, Max: 3), DiagnosticInput.Timeout(),
            DiagnosticInput.DataBlockSize(), new("maxHopCount", "MaxHopCount", true, Min: 1, Max: 64), new("interface", "Interface", false),
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
            new("hostName", "HostName", false, Required: true), new("dnsServer", "DNSServer", false), DiagnosticInput.Timeout(),
            DiagnosticInput.Repetitions(), new("interface", "Interface", false),
        ]),
        new("udpEcho", "IP.Diagnostics.UDPEchoDiagnostics.", null,
        [
            new("host", "Host", false, Required: true), new("port", "Port", true, Required: true, Min: 1, Max: DiagnosticInput.Max16), DiagnosticInput.Repetitions(),
            DiagnosticInput.Timeout(), DiagnosticInput.DataBlockSize(), new("interTransmissionTime", "InterTransmissionTime", true, Min: 1, Max: DiagnosticInput.Max16),
            new("interface", "Interface", false),
        ]),
    ];

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public static DiagnosticKind? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>The object path for a device whose data model root is <paramref name="root"/> (<c>Device.</c> or <c>InternetGatewayDevice.</c>), or null.</summary>
    public string? ObjectFor(string root) =>
        root.StartsWith("InternetGatewayDevice", StringComparison.Ordinal) ? Tr098 is null ? null : "InternetGatewayDevice." + Tr098 : "Device." + Tr181;
}
