using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Palisade.Cpe.Model;
using Palisade.Security.Secrets;

namespace Palisade.Cpe.Agent;

/// <summary>The configuration file of <c>palisade cpe</c> (JSON, camelCase).</summary>
public sealed class CpeConfig
{
    public string AcsUrl { get; set; } = string.Empty;

    public string? Username { get; set; }

    /// <summary>The factory ACS password; prefer <see cref="PasswordFile"/>.</summary>
    public string? Password { get; set; }

    /// <summary>A file holding the factory ACS password (or <c>user:password</c>).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>CA certificates (PEM files) the ACS certificate must chain to.</summary>
    public List<string> Ca { get; set; } = [];

    public string? ClientCertificate { get; set; }

    public string? ClientKey { get; set; }

    public List<string> AllowedAcsHosts { get; set; } = [];

    /// <summary>Public keys (PEM files, ECDSA P-256) whose signatures make a download acceptable.</summary>
    public List<string> SigningKeys { get; set; } = [];

    public string Model { get; set; } = "tr181";

    /// <summary>A profile file, or <c>gateway</c> / <c>full</c>.</summary>
    public string Profile { get; set; } = "full";

    public string SerialNumber { get; set; } = string.Empty;

    public string? Oui { get; set; }

    public string? ProductClass { get; set; }

    public string? Manufacturer { get; set; }

    public int PeriodicSeconds { get; set; } = 3600;

    /// <summary>Where the agent keeps its state (credentials, values); owner-only.</summary>
    public string StateFile { get; set; } = "cpe-state.json";

    /// <summary>Address of the connection-request listener (null: none).</summary>
    public string? ConnectionRequestListen { get; set; }

    public int ConnectionRequestPort { get; set; }

    /// <summary>
    /// HOST:PORT of a STUN server (TR-069 Annex G; null: none). Needs <see cref="ConnectionRequestListen"/>: the agent then
    /// also listens for UDP connection requests there (UDP, the same port number) and binds through STUN from that socket.
    /// </summary>
    public string? StunServer { get; set; }

    /// <summary>
    /// Listen for UDP connection requests (TR-069 Annex G) on <see cref="ConnectionRequestListen"/> (UDP, the same port
    /// number) without a STUN server of its own: the ACS may turn STUN on (ManagementServer.STUN*). Implied by <see cref="StunServer"/>.
    /// </summary>
    public bool UdpConnectionRequests { get; set; }

    /// <summary>Seconds between STUN binding requests (keeps the NAT binding open).</summary>
    public int StunKeepAliveSeconds { get; set; } = 30;

    /// <summary>HOST:PORT of the XMPP server for connection requests (TR-069 Annex K; null: none).</summary>
    public string? XmppServer { get; set; }

    /// <summary>The device's XMPP account, <c>local@domain[/resource]</c> (resource <c>cwmp</c> when none is given).</summary>
    public string? XmppJid { get; set; }

    /// <summary>A file whose first line is the XMPP account's password.</summary>
    public string? XmppPasswordFile { get; set; }

    /// <summary>PEM CAs the XMPP server's certificate must chain to (none: the system's roots).</summary>
    public List<string>? XmppCa { get; set; }

    /// <summary>Who may send XMPP connection requests (ManagementServer.ConnReqAllowedJabberIDs): the ACS's JID, bare or full.</summary>
    public List<string>? XmppAllowedJids { get; set; }

    public bool InsecureSkipVerify { get; set; }

    /// <summary><c>per-session</c> (default: a new connection for every session, as real CPEs do) or <c>kept</c>.</summary>
    public string Connection { get; set; } = "per-session";

    /// <summary>Reads a connection mode as the CLI and the configuration file spell it.</summary>
    public static ConnectionMode ParseConnection(string text, string source) => text switch
    {
        "per-session" => ConnectionMode.PerSession,
        "kept" => ConnectionMode.Kept,
        _ => throw new InvalidDataException($"{source}: connection must be per-session or kept (got '{text}')."),
    };

    public static CpeConfig Load(string path)
    {
        try
        {
            var config = JsonSerializer.Deserialize(File.ReadAllText(path), CpeJson.Default.CpeConfig) ?? throw new InvalidDataException($"{path} holds no configuration.");
            config.Validate(path);
            return config;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid CPE configuration: {e.Message}", e);
        }
    }

    public void Validate(string source)
    {
        if (!Uri.TryCreate(AcsUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && !InsecureSkipVerify))
        {
            throw new InvalidDataException($"{source}: acsUrl must be an absolute https:// URL.");
        }

        if (string.IsNullOrWhiteSpace(SerialNumber))
        {
            throw new InvalidDataException($"{source}: serialNumber is required.");
        }

        ParseConnection(Connection, source);
        if ((StunServer is not null || UdpConnectionRequests) && ConnectionRequestListen is null)
        {
            throw new InvalidDataException($"{source}: stunServer and udpConnectionRequests need connectionRequestListen (the UDP listener binds there).");
        }

        if (XmppServer is not null && (XmppJid is null || XmppPasswordFile is null || XmppAllowedJids is not { Count: > 0 }))
        {
            throw new InvalidDataException($"{source}: xmppServer needs xmppJid, xmppPasswordFile and xmppAllowedJids (the ACS's JID).");
        }

        foreach (var jid in XmppAllowedJids ?? [])
        {
            if (!Palisade.Xmpp.Jid.TryParse(jid, out _))
            {
                throw new InvalidDataException($"{source}: xmppAllowedJids entry '{jid}' is not a Jabber ID (local@domain[/resource]).");
            }
        }

        if (StunKeepAliveSeconds is < 1 or > 3600)
        {
            throw new InvalidDataException($"{source}: stunKeepAliveSeconds must be between 1 and 3600.");
        }
    }

    /// <summary>The agent options this configuration describes.</summary>
    public AgentOptions ToOptions()
    {
        var password = Password;
        var username = Username;
        if (PasswordFile is not null)
        {
            var text = File.ReadAllText(PasswordFile).Trim();
            if (BootstrapCredential.TryParse(text, out var pair))
            {
                (username, password) = (pair.Username, pair.Password);
            }
            else
            {
                password = text;
            }
        }

        var options = new AgentOptions
        {
            AcsUrl = new Uri(AcsUrl),
            Username = username,
            Password = password,
            PeriodicInterval = TimeSpan.FromSeconds(PeriodicSeconds),
            InsecureSkipVerify = InsecureSkipVerify,
            Connection = ParseConnection(Connection, "connection"),
        };
        foreach (var ca in Ca)
        {
            options.TrustedCas.ImportFromPemFile(ca);
        }

        if (ClientCertificate is not null)
        {
            options.ClientCertificate = X509Certificate2.CreateFromPemFile(ClientCertificate, ClientKey);
        }

        foreach (var host in AllowedAcsHosts)
        {
            options.AllowedAcsHosts.Add(host);
        }

        foreach (var keyFile in SigningKeys)
        {
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(keyFile));
            options.SigningKeys[Security.Signing.FileSignature.KeyIdOf(key)] = key;
        }

        return options;
    }

    public DeviceIdentity Identity(DeviceProfile profile) => new(
        Manufacturer ?? profile.Manufacturer, Oui ?? profile.Oui, ProductClass ?? profile.ProductClass, SerialNumber, profile.ModelName, profile.HardwareVersion);

    public IPAddress? ConnectionRequestAddress => ConnectionRequestListen is null ? null : IPAddress.Parse(ConnectionRequestListen);
}

/// <summary>The state file of <c>palisade cpe</c>: what must survive a restart.</summary>
public sealed class CpeStateFile
{
    public AgentState Agent { get; set; } = new();

    public ModelState Model { get; set; } = new();

    public static CpeStateFile? Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), CpeJson.Default.CpeStateFile) : null;

    /// <summary>Writes the state owner-only and atomically (it holds the device's credentials).</summary>
    public void Save(string path) => SecretFile.Write(path, JsonSerializer.Serialize(this, CpeJson.Default.CpeStateFile));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, WriteIndented = true)]
[JsonSerializable(typeof(CpeConfig))]
[JsonSerializable(typeof(CpeStateFile))]
internal sealed partial class CpeJson : JsonSerializerContext
{
}
