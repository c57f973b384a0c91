using System.Security.Cryptography.X509Certificates;

namespace Palisade.Audit;

/// <summary>What to probe and how.</summary>
public sealed class AuditOptions
{
    public required Uri Target { get; init; }

    /// <summary>acs (a CWMP endpoint) or cpe (a connection-request URL).</summary>
    public string Kind { get; init; } = "acs";

    /// <summary>CAs to trust besides the system's (the operator's private CA).</summary>
    public X509Certificate2Collection TrustedCas { get; } = [];

    /// <summary>Credentials to test Digest replay with (optional).</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Per-probe timeout.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}
