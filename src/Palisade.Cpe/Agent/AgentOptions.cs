using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Palisade.Cpe.Agent;

/// <summary>How one CPE agent behaves. Defaults are the secure ones.</summary>
public sealed class AgentOptions
{
    /// <summary>The ACS URL at first start (ManagementServer.URL).</summary>
    public required Uri AcsUrl { get; set; }

    /// <summary>The factory ACS credentials (the bootstrap credential, typically).</summary>
    public string? Username { get; set; }

    /// <summary>The factory ACS password.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Keep the factory ACS credential whatever the ACS sets (as many real CPEs do): a SetParameterValues of
    /// ManagementServer.Username/Password succeeds but the device goes on authenticating with its factory credential.
    /// </summary>
    public bool KeepFactoryCredentials { get; set; }

    /// <summary>
    /// Ping and traceroute by ICMP where the process may send it (default); false: always the TCP-connect fallback
    /// (for networks that filter ICMP), reported as <c>X_PALISADE_Method=tcp-connect</c>.
    /// </summary>
    public bool Icmp { get; set; } = true;

    /// <summary>Send Basic credentials (over TLS) instead of answering a Digest challenge, as CPEs built for Basic do.</summary>
    public bool PreferBasic { get; set; }

    /// <summary>The factory ConnectionRequestUsername, or null.</summary>
    public string? ConnectionRequestUsername { get; set; }

    /// <summary>The factory ConnectionRequestPassword, or null.</summary>
    public string? ConnectionRequestPassword { get; set; }

    /// <summary>CAs the ACS certificate (and download servers) must chain to, besides the system's.</summary>
    public X509Certificate2Collection TrustedCas { get; } = [];

    /// <summary>A client certificate (with key) identifying the device.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Hosts an ACS may move this device to (ManagementServer.URL). Empty: only the first ACS's host.</summary>
    public IList<string> AllowedAcsHosts { get; } = [];

    /// <summary>Keys whose signatures make a downloaded file acceptable, by key id.</summary>
    public IDictionary<string, ECDsa> SigningKeys { get; } = new Dictionary<string, ECDsa>(StringComparer.Ordinal);

    /// <summary>Periodic inform interval; null keeps the model's (3600 s by default).</summary>
    public TimeSpan? PeriodicInterval { get; set; }

    /// <summary>Delay before the very first session (the simulator spreads a fleet's boots with it).</summary>
    public TimeSpan InitialDelay { get; set; }

    /// <summary>CWMPRetryMinimumWaitInterval (seconds), TR-069 §3.2.1.1.</summary>
    public int RetryMinimumWaitSeconds { get; set; } = 5;

    /// <summary>CWMPRetryIntervalMultiplier (thousandths).</summary>
    public int RetryIntervalMultiplier { get; set; } = 2000;

    /// <summary>Skip ACS certificate checks. INSECURE: logged loudly on every session.</summary>
    public bool InsecureSkipVerify { get; set; }

    /// <summary>Allow an http:// ACS URL (labs only).</summary>
    public bool AllowPlaintext { get; set; }

    /// <summary>Per-request timeout.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest file a download may be.</summary>
    public long MaxDownloadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>How this device fails firmware upgrades (simulation only); default none.</summary>
    public FirmwareFailure FirmwareFailure { get; set; }

    /// <summary>A new connection for every session (the default, as real CPEs do) or one kept across sessions.</summary>
    public ConnectionMode Connection { get; set; } = ConnectionMode.PerSession;

    /// <summary>
    /// Resume the device's own earlier TLS session on a new connection when it holds one (TLS 1.3, an ACS addressed by
    /// name). Off: every new connection is a full handshake.
    /// </summary>
    public bool AllowTlsResume { get; set; } = true;

    /// <summary>How long the device keeps a TLS session to resume (default 2 h, what OpenSSL servers give their tickets).</summary>
    public TimeSpan TlsSessionLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Connect to this address whatever the ACS URL's host (simulation; see <see cref="Transport.AcsClientOptions.ConnectTo"/>).</summary>
    public System.Net.IPAddress? ConnectTo { get; set; }
}
