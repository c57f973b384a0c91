using System.Security.Cryptography.X509Certificates;

namespace Palisade.Cpe.Transport;

/// <summary>How a CPE reaches its ACS (TR-181 <c>Device.ManagementServer.</c>: URL, Username, Password).</summary>
public sealed class AcsClientOptions
{
    /// <summary>The ACS URL. https unless <see cref="AllowPlaintext"/> is set.</summary>
    public required Uri AcsUrl { get; set; }

    /// <summary>ManagementServer.Username.</summary>
    public string? Username { get; set; }

    /// <summary>ManagementServer.Password.</summary>
    public string? Password { get; set; }

    /// <summary>What the CPE accepts in one answer from the ACS (the body bound also caps the HTTP buffer).</summary>
    public Palisade.Cwmp.CwmpLimits Limits { get; } = new();

    /// <summary>CAs the ACS certificate must chain to, besides the system's (the Palisade CA, say).</summary>
    public X509Certificate2Collection TrustedCas { get; } = [];

    /// <summary>A client certificate (with key) to present.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Allow an http:// ACS URL. Off: a CPE that talks plaintext to its ACS is what attackers look for.</summary>
    public bool AllowPlaintext { get; set; }

    /// <summary>Send Basic credentials instead of waiting for a Digest challenge (for testing ACSs; never the default).</summary>
    public bool PreferBasic { get; set; }

    /// <summary>Accept any ACS certificate. INSECURE; the agent logs it on every session.</summary>
    public bool InsecureSkipVerify { get; set; }

    /// <summary>Resume earlier TLS sessions with this ACS on new connections (TLS 1.3, without a client certificate).</summary>
    public bool AllowTlsResume { get; set; } = true;

    /// <summary>
    /// Connect to this address instead of resolving the ACS host name (as curl's --resolve does): the simulator
    /// keeps a name in the URL, for the certificate check and TLS resumption, without depending on name resolution.
    /// </summary>
    public System.Net.IPAddress? ConnectTo { get; set; }

    /// <summary>Per-request timeout.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gzip request bodies larger than this many bytes (0 = never).</summary>
    public int GzipAbove { get; set; }
}
