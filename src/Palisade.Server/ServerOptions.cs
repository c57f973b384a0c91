using System.Net;
using Palisade.Acs.Auth;
using Palisade.Acs.ConnectionRequests;
using Palisade.Acs.Sessions;

namespace Palisade.Server;

/// <summary>
/// Everything <c>palisade serve</c> can be told. Defaults are the secure ones: loopback only, TLS with a private
/// CA, every CPE authenticated, enrollment through a generated bootstrap credential.
/// </summary>
public sealed class ServerOptions
{
    /// <summary>The data folder: store, PKI, bootstrap credential.</summary>
    public string DataDirectory { get; set; } = "palisade-data";

    /// <summary>Addresses to listen on. Loopback unless the operator says otherwise.</summary>
    public IList<IPAddress> Listen { get; } = [IPAddress.Loopback];

    /// <summary>The CWMP port (7547 is the IANA port for CWMP). 0 picks a free port (tests).</summary>
    public int CwmpPort { get; set; } = 7547;

    /// <summary>Host names and addresses the generated server certificate covers.</summary>
    public IList<string> Hostnames { get; } = [];

    /// <summary>Serve CWMP over plaintext HTTP instead of HTTPS. Insecure: for labs and legacy CPEs only.</summary>
    public bool InsecureHttp { get; set; }

    /// <summary>
    /// A plaintext CWMP port beside the TLS one, for legacy devices until the moveToHttps task has moved them; null
    /// (the default) for none. 0 picks a free port (tests).
    /// </summary>
    public int? LegacyHttpPort { get; set; }

    /// <summary>The standard STUN port, what <c>palisade serve</c> uses unless told otherwise.</summary>
    public const int DefaultStunPort = 3478;

    /// <summary>
    /// UDP port of the built-in STUN server on the first listen address (0: a free one); null: none. A port that is
    /// taken is logged (event 651) and the server runs without STUN.
    /// </summary>
    public int? StunPort { get; set; }

    /// <summary>
    /// The ACS's XMPP account for connection requests over XMPP (TR-069 Annex K), or null (the default) for none. The
    /// host stays logged in to that server and tries XMPP when HTTP and UDP did not reach a device (docs/reach.md).
    /// </summary>
    public Palisade.Xmpp.XmppOptions? Xmpp { get; set; }

    /// <summary>An operator's own server certificate (PEM) instead of the generated one.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>The private key (PEM) of <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>Further CAs (PEM files) whose client certificates identify devices, besides Palisade's own CA.</summary>
    public IList<string> ClientCaPaths { get; } = [];

    /// <summary>
    /// The bootstrap credential as <c>user:password</c>, set by the operator; when null one is generated on first
    /// start and kept in <c>DATA/bootstrap-credential</c>.
    /// </summary>
    public string? BootstrapCredential { get; set; }

    /// <summary>Refuse every device without stored credentials or a client certificate (no bootstrap credential).</summary>
    public bool DisableEnrollment { get; set; }

    /// <summary>
    /// How long a finished task (done, faulted, cancelled, expired) is kept with its result before it is deleted;
    /// null keeps every task for ever. Default 30 days.
    /// </summary>
    public TimeSpan? TaskHistory { get; set; } = TimeSpan.FromDays(30);

    /// <summary>On SIGTERM, how long sessions in flight may take to finish before the node ends them and exits.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>CWMP session behaviour.</summary>
    public SessionOptions Sessions { get; } = new();

    /// <summary>How CPEs authenticate.</summary>
    public AuthenticationOptions Authentication { get; } = new();

    /// <summary>Where connection requests may go (the CPE networks) and how often; their bounds are <see cref="ConnectionRequests"/>.</summary>
    public ConnectionRequestOptions ConnectionRequestTargets { get; } = new();

    /// <summary>The northbound API (its own bounds are <see cref="Api.ApiOptions.Limits"/>).</summary>
    public Api.ApiOptions Api { get; } = new();

    /// <summary>Every bound of the CWMP listener (HTTP, codec, probe uploads).</summary>
    public CwmpListenerLimits Cwmp { get; } = new();

    /// <summary>The bounds of the ACS's outbound connection requests.</summary>
    public ConnectionRequesterLimits ConnectionRequests { get; } = new();

    /// <summary>Bounds on presets, provisions and virtual parameters, and how often another node's changes are looked for.</summary>
    public Acs.Provisioning.ProvisioningLimits Provisioning { get; set; } = new();

    /// <summary>The bounds of every provision and virtual-parameter script run (statements, time, memory, rounds, …).</summary>
    public Acs.Provisioning.Scripts.ScriptLimits Scripts { get; set; } = new();

    /// <summary>How provisioning faults are retried and forgotten.</summary>
    public Acs.Provisioning.ChannelFaultOptions ChannelFaults { get; set; } = new();

    /// <summary>The HTTPS endpoints scripts may call with <c>ext(name, …)</c>, by name, and the bounds of a call. None: <c>ext</c> faults "not configured".</summary>
    public Acs.Provisioning.ScriptExtensionOptions Extensions { get; set; } = new();

    /// <summary>PEM files of CAs trusted for extension endpoints, besides the system's roots.</summary>
    public IList<string> ExtensionCaPaths { get; } = [];

    /// <summary>The file store and the file server (<c>--files-port</c>).</summary>
    public Files.FileServerOptions Files { get; } = new();

    /// <summary>The host names to certify: the configured ones, or localhost and 127.0.0.1.</summary>
    public IReadOnlyList<string> EffectiveHostnames => Hostnames.Count > 0 ? [.. Hostnames] : ["localhost", "127.0.0.1"];

    /// <summary>Throws with a message an operator can act on when options contradict each other.</summary>
    public void Validate()
    {
        Files.Validate();
        if (Api.Port is < -1 or > 65535 || (Api.Port == CwmpPort && Api.Port != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Api), "--api-port must be between 0 and 65535 (or -1 for no API) and differ from --cwmp-port.");
        }

        if (TaskHistory is { } history && history <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(TaskHistory), "--task-history-days must be at least 1 (or 0 to keep every task).");
        }

        if (CwmpPort is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(CwmpPort), "--cwmp-port must be between 0 and 65535.");
        }

        if (LegacyHttpPort is { } legacy && (legacy is < 0 or > 65535 || (legacy != 0 && (legacy == CwmpPort || legacy == Api.Port))))
        {
            throw new ArgumentOutOfRangeException(nameof(LegacyHttpPort), "--legacy-http-port must be between 0 and 65535 and differ from --cwmp-port and --api-port.");
        }

        if (LegacyHttpPort is not null && InsecureHttp)
        {
            throw new ArgumentException("--legacy-http-port adds a plaintext port beside TLS; with --insecure-http there is no TLS to move devices to. Drop one of the two.");
        }

        if ((TlsCertificatePath is null) != (TlsKeyPath is null))
        {
            throw new ArgumentException("--tls-cert and --tls-key go together: give both or neither.");
        }

        if (Listen.Count == 0)
        {
            throw new ArgumentException("--listen needs at least one address.");
        }

        if (Api.Listen.Count == 0)
        {
            throw new ArgumentException("--api-listen needs at least one address.");
        }

        if (DisableEnrollment && BootstrapCredential is not null)
        {
            throw new ArgumentException("A bootstrap credential was given but enrollment is disabled; drop one of the two.");
        }

        Sessions.Validate();
        Authentication.Validate();
        Cwmp.Validate();
        Api.Limits.Validate();
        ConnectionRequests.Validate();
        ConnectionRequestTargets.Validate();
        Provisioning.Validate();
        ChannelFaults.Validate();
        Extensions.Validate();
    }
}
