using System.Net;
using System.Security.Cryptography.X509Certificates;
using Palisade.Cpe.Model;

namespace Palisade.Cpe.Simulation;

/// <summary>What <c>palisade sim</c> runs.</summary>
public sealed class FleetOptions
{
    public required Uri AcsUrl { get; set; }

    public int Devices { get; set; } = 100;

    public DeviceProfile Profile { get; set; } = DeviceProfile.Gateway();

    /// <summary>Serial numbers are this prefix plus a zero-padded index.</summary>
    public string SerialPrefix { get; set; } = "SIM";

    /// <summary>First index (so that several simulators can share one ACS without clashing).</summary>
    public int FirstIndex { get; set; }

    /// <summary>Devices with factory identities and credentials (<c>--credentials-from</c>); when set, the fleet is exactly these.</summary>
    public IReadOnlyList<FactoryCpe>? FactoryDevices { get; set; }

    /// <summary>Every device keeps its factory ACS credential whatever the ACS sets (<c>--no-rotation</c>).</summary>
    public bool KeepFactoryCredentials { get; set; }

    /// <summary>Every device sends Basic credentials instead of answering a Digest challenge (<c>--auth basic</c>).</summary>
    public bool PreferBasic { get; set; }

    public string? BootstrapUsername { get; set; }

    public string? BootstrapPassword { get; set; }

    /// <summary>
    /// Gives each device its own client certificate (with its key), e.g. one issued by the ACS's CA with the device
    /// identity as subject CN; the fleet disposes them. Null: no client certificates (Digest only).
    /// </summary>
    public Func<DeviceIdentity, X509Certificate2>? ClientCertificates { get; set; }

    public X509Certificate2Collection TrustedCas { get; } = [];

    public TimeSpan Periodic { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>The first sessions are spread evenly over this long.</summary>
    public TimeSpan Ramp { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to run; null runs until cancelled.</summary>
    public TimeSpan? Duration { get; set; }

    public bool InsecureSkipVerify { get; set; }

    /// <summary>Where connection-request listeners bind (null: none).</summary>
    public IPAddress? ConnectionRequestAddress { get; set; }

    /// <summary>
    /// The STUN server every device binds through (TR-069 Annex G, <c>--stun</c>); needs <see cref="ConnectionRequestAddress"/>:
    /// the devices then also listen for UDP connection requests there and report the mapped address. Null: no STUN.
    /// </summary>
    public IPEndPoint? StunServer { get; set; }

    /// <summary>
    /// The devices also listen for UDP connection requests at <see cref="ConnectionRequestAddress"/> (TR-069 Annex G)
    /// without a STUN server of their own: the ACS may turn STUN on (ManagementServer.STUN*). Implied by <see cref="StunServer"/>.
    /// </summary>
    public bool UdpConnectionRequests { get; set; }

    /// <summary>How often each device repeats its STUN binding request (keeps the NAT binding open).</summary>
    public TimeSpan StunKeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Each device's XMPP account by its number (from 1) and serial number (TR-069 Annex K, <c>--xmpp-server</c>); null:
    /// no XMPP. The device reports the bound JID and takes connection requests from <see cref="XmppAllowedJids"/>.
    /// </summary>
    public Func<int, string, Palisade.Xmpp.XmppOptions>? XmppAccount { get; set; }

    /// <summary>Who may send the devices XMPP connection requests (ConnReqAllowedJabberIDs).</summary>
    public IList<string> XmppAllowedJids { get; } = [];

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A new connection for every session (the default, as real CPEs do) or one kept per device.</summary>
    public Agent.ConnectionMode Connection { get; set; } = Agent.ConnectionMode.PerSession;

    /// <summary>
    /// Let each device resume its own TLS session on a new connection (its own session cache: none after boot, then
    /// its last handshake's; needs an ACS addressed by name). Off: full handshakes.
    /// </summary>
    public bool AllowTlsResume { get; set; } = true;

    /// <summary>Each device's CWMPRetryMinimumWaitInterval in seconds (TR-069 §3.2.1.1): the first wait after a failed or shed session.</summary>
    public int RetryMinimumWaitSeconds { get; set; } = 5;

    /// <summary>End the run as soon as every device has completed a session (a first-boot wave served), or at <see cref="Duration"/>.</summary>
    public bool StopWhenServed { get; set; }

    /// <summary>Connect every device to this address whatever the ACS URL's host (null: resolve it).</summary>
    public System.Net.IPAddress? ConnectTo { get; set; }

    /// <summary>The keys every device trusts for signed downloads (by key id).</summary>
    public IDictionary<string, System.Security.Cryptography.ECDsa> SigningKeys { get; } = new Dictionary<string, System.Security.Cryptography.ECDsa>(StringComparer.Ordinal);

    /// <summary>How the failing devices fail firmware upgrades (<c>--firmware-failure</c>).</summary>
    public Agent.FirmwareFailure FirmwareFailure { get; set; }

    /// <summary>The share of devices (0–1) that fail firmware upgrades, chosen by serial number so that runs repeat (<c>--firmware-failure-share</c>).</summary>
    public double FirmwareFailureShare { get; set; }

    /// <summary>Whether the device with <paramref name="serial"/> is one of the failing share.</summary>
    public bool Fails(string serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (FirmwareFailure == Agent.FirmwareFailure.None || FirmwareFailureShare <= 0)
        {
            return false;
        }

        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(serial));
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hash) < FirmwareFailureShare * uint.MaxValue;
    }
}
