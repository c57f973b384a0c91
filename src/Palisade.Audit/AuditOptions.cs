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

    /// <summary>The ACS's API (<c>https://host:7557/</c>); null: the target's host on port 7557.</summary>
    public Uri? ApiUrl { get; init; }

    /// <summary>An API key that may ask for connection requests (operator or admin), for the SSRF check.</summary>
    public string? ApiKey { get; init; }

    /// <summary>A viewer's API key, for the check that viewers see no secrets.</summary>
    public string? ViewerKey { get; init; }

    /// <summary>A CWMP credential (the bootstrap credential or a device's) to inform with as a CPE, for the SSRF check.</summary>
    public string? DeviceUsername { get; init; }

    public string? DevicePassword { get; init; }

    /// <summary>Run checks that change the server's state for a while (the login lockout check). Off by default.</summary>
    public bool DestructiveChecks { get; init; }

    /// <summary>The account the lockout check signs in to (default <c>admin</c>), and its real password.</summary>
    public string LoginUser { get; init; } = "admin";

    public string? LoginPassword { get; init; }

    /// <summary>The API URL the deployed-server checks use.</summary>
    public Uri EffectiveApiUrl => ApiUrl ?? new UriBuilder(Uri.UriSchemeHttps, Target.Host, 7557, "/").Uri;
}
