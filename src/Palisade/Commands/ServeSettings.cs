using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Palisade.Server;
using Palisade.Server.Listeners;

namespace Palisade.Commands;

/// <summary>
/// <c>palisade serve</c> settings from a JSON file (<c>--config</c>) and <c>PALISADE_*</c> environment variables.
/// Precedence, lowest first: built-in defaults, the file, the environment, the command line.
/// </summary>
internal sealed class ServeSettings
{
    public string? Data { get; set; }

    /// <summary>The store: <c>postgresql://USER@HOST:PORT/DATABASE</c>, or null (or <c>sqlite</c>) for SQLite in the data folder.</summary>
    public string? Db { get; set; }

    public List<string>? Listen { get; set; }

    public int? CwmpPort { get; set; }

    public int? ApiPort { get; set; }

    /// <summary>The file server's https port (-1: off).</summary>
    public int? FilesPort { get; set; }

    /// <summary>The file server's plaintext port for plaintext devices, or null.</summary>
    public int? FilesHttpPort { get; set; }

    /// <summary>The base URL devices are given for the file server.</summary>
    public string? FilesUrl { get; set; }

    public List<string>? ApiListen { get; set; }

    public List<string>? AcsUrlAllow { get; set; }

    public List<string>? CpeNetworks { get; set; }

    public List<string>? Hostnames { get; set; }

    public bool? InsecureHttp { get; set; }

    public int? LegacyHttpPort { get; set; }

    public int? StunPort { get; set; }

    /// <summary>HOST:PORT of the XMPP server for connection requests (TR-069 Annex K; file key <c>xmppServer</c>, <c>PALISADE_XMPP_SERVER</c>, <c>--xmpp-server</c>).</summary>
    public string? XmppServer { get; set; }

    /// <summary>The ACS's XMPP account, <c>local@domain[/resource]</c> (<c>xmppJid</c>, <c>PALISADE_XMPP_JID</c>, <c>--xmpp-jid</c>).</summary>
    public string? XmppJid { get; set; }

    /// <summary>A file holding that account's password (<c>xmppPasswordFile</c>, <c>PALISADE_XMPP_PASSWORD_FILE</c>, <c>--xmpp-password-file</c>).</summary>
    public string? XmppPasswordFile { get; set; }

    /// <summary>PEM CAs the XMPP server's certificate must chain to; none: the system's roots (<c>xmppCa</c>, <c>PALISADE_XMPP_CA</c>, <c>--xmpp-ca</c>).</summary>
    public List<string>? XmppCa { get; set; }

    /// <summary>Domains besides the ACS account's that XMPP connection requests may go to (<c>xmppAllowDomains</c>, <c>PALISADE_XMPP_ALLOW_DOMAINS</c>, <c>--xmpp-allow-domain</c>).</summary>
    public List<string>? XmppAllowDomains { get; set; }

    public string? TlsCert { get; set; }

    public string? TlsKey { get; set; }

    public List<string>? ClientCa { get; set; }

    public bool? AllowBasic { get; set; }

    public bool? DigestSha256Only { get; set; }

    public bool? DisableEnrollment { get; set; }

    public string? EnrollAllow { get; set; }

    public string? BootstrapCredential { get; set; }

    public int? SessionTimeoutSeconds { get; set; }

    public int? MaxSessionsInFlight { get; set; }

    public int? TaskHistoryDays { get; set; }

    /// <summary>The HTTPS endpoints of <c>ext()</c> by extension name (file key <c>extensions</c>, <c>--ext NAME=URL</c>).</summary>
    public Dictionary<string, string>? Extensions { get; set; }

    /// <summary>PEM files of CAs trusted for extension endpoints besides the system's roots (file key <c>extensionCa</c>, <c>--ext-ca</c>).</summary>
    public List<string>? ExtensionCa { get; set; }

    /// <summary>Seconds a draining node gives its sessions (file key <c>drainTimeout</c>, <c>PALISADE_DRAIN_TIMEOUT</c>, <c>--drain-timeout</c>).</summary>
    [JsonPropertyName("drainTimeout")]
    public int? DrainTimeoutSeconds { get; set; }

    /// <summary>Serve /metrics without a key (file key <c>metricsWithoutKey</c>, <c>PALISADE_METRICS_WITHOUT_KEY</c>, <c>--metrics-without-key</c>).</summary>
    public bool? MetricsWithoutKey { get; set; }

    /// <summary><c>simple</c> or <c>json</c> (file key <c>logFormat</c>, <c>PALISADE_LOG_FORMAT</c>, <c>--log-format</c>).</summary>
    public string? LogFormat { get; set; }

    /// <summary>True when the log is one JSON object per line.</summary>
    [JsonIgnore]
    public bool JsonLog => LogFormat switch
    {
        null or "simple" => false,
        "json" => true,
        _ => throw new ArgumentException($"The log format '{LogFormat}' is neither simple nor json."),
    };

    /// <summary>Bounds by name (<see cref="LimitSettings"/>): the file's <c>limits</c> object, <c>PALISADE_LIMITS</c>, <c>--limit</c>.</summary>
    public Dictionary<string, long>? Limits { get; set; }

    public static ServeSettings FromFile(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), ServeSettingsJson.Default.ServeSettings)
                ?? throw new InvalidDataException($"{path} holds no settings object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid settings file: {e.Message}", e);
        }
    }

    public static ServeSettings FromEnvironment(Func<string, string?> get)
    {
        static List<string>? List(string? v) => v is null ? null : [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        static int? Int(string name, string? v) => v is null ? null
            : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i
            : throw new ArgumentException($"{name}={v} is not a whole number.");
        static bool? Bool(string name, string? v) => v is null ? null
            : v is "1" or "true" or "yes" ? true : v is "0" or "false" or "no" ? false
            : throw new ArgumentException($"{name}={v} is not a boolean (true/false).");
        return new ServeSettings
        {
            Data = get("PALISADE_DATA"),
            Db = get("PALISADE_DB"),
            Listen = List(get("PALISADE_LISTEN")),
            CwmpPort = Int("PALISADE_CWMP_PORT", get("PALISADE_CWMP_PORT")),
            ApiPort = Int("PALISADE_API_PORT", get("PALISADE_API_PORT")),
            FilesPort = Int("PALISADE_FILES_PORT", get("PALISADE_FILES_PORT")),
            FilesHttpPort = Int("PALISADE_FILES_HTTP_PORT", get("PALISADE_FILES_HTTP_PORT")),
            FilesUrl = get("PALISADE_FILES_URL"),
            ApiListen = List(get("PALISADE_API_LISTEN")),
            AcsUrlAllow = List(get("PALISADE_ACS_URL_ALLOW")),
            CpeNetworks = List(get("PALISADE_CPE_NETWORKS")),
            Hostnames = List(get("PALISADE_HOSTNAME")),
            InsecureHttp = Bool("PALISADE_INSECURE_HTTP", get("PALISADE_INSECURE_HTTP")),
            LegacyHttpPort = Int("PALISADE_LEGACY_HTTP_PORT", get("PALISADE_LEGACY_HTTP_PORT")),
            StunPort = Int("PALISADE_STUN_PORT", get("PALISADE_STUN_PORT")),
            XmppServer = get("PALISADE_XMPP_SERVER"),
            XmppJid = get("PALISADE_XMPP_JID"),
            XmppPasswordFile = get("PALISADE_XMPP_PASSWORD_FILE"),
            XmppCa = List(get("PALISADE_XMPP_CA")),
            XmppAllowDomains = List(get("PALISADE_XMPP_ALLOW_DOMAINS")),
            TlsCert = get("PALISADE_TLS_CERT"),
            TlsKey = get("PALISADE_TLS_KEY"),
            ClientCa = List(get("PALISADE_CLIENT_CA")),
            AllowBasic = Bool("PALISADE_ALLOW_BASIC", get("PALISADE_ALLOW_BASIC")),
            DigestSha256Only = Bool("PALISADE_DIGEST_SHA256_ONLY", get("PALISADE_DIGEST_SHA256_ONLY")),
            DisableEnrollment = Bool("PALISADE_DISABLE_ENROLLMENT", get("PALISADE_DISABLE_ENROLLMENT")),
            EnrollAllow = get("PALISADE_ENROLL_ALLOW"),
            BootstrapCredential = get("PALISADE_BOOTSTRAP_CREDENTIAL"),
            SessionTimeoutSeconds = Int("PALISADE_SESSION_TIMEOUT", get("PALISADE_SESSION_TIMEOUT")),
            MaxSessionsInFlight = Int("PALISADE_MAX_SESSIONS", get("PALISADE_MAX_SESSIONS")),
            TaskHistoryDays = Int("PALISADE_TASK_HISTORY_DAYS", get("PALISADE_TASK_HISTORY_DAYS")),
            Limits = ParseLimits("PALISADE_LIMITS", List(get("PALISADE_LIMITS"))),
            DrainTimeoutSeconds = Int("PALISADE_DRAIN_TIMEOUT", get("PALISADE_DRAIN_TIMEOUT")),
            MetricsWithoutKey = Bool("PALISADE_METRICS_WITHOUT_KEY", get("PALISADE_METRICS_WITHOUT_KEY")),
            LogFormat = get("PALISADE_LOG_FORMAT"),
        };
    }

    /// <summary>Lays <paramref name="over"/> on top of this: what it sets wins.</summary>
    public ServeSettings Overlay(ServeSettings over) => new()
    {
        Data = over.Data ?? Data,
        Db = over.Db ?? Db,
        Listen = over.Listen ?? Listen,
        CwmpPort = over.CwmpPort ?? CwmpPort,
        ApiPort = over.ApiPort ?? ApiPort,
        FilesPort = over.FilesPort ?? FilesPort,
        FilesHttpPort = over.FilesHttpPort ?? FilesHttpPort,
        FilesUrl = over.FilesUrl ?? FilesUrl,
        ApiListen = over.ApiListen ?? ApiListen,
        AcsUrlAllow = over.AcsUrlAllow ?? AcsUrlAllow,
        CpeNetworks = over.CpeNetworks ?? CpeNetworks,
        Hostnames = over.Hostnames ?? Hostnames,
        InsecureHttp = over.InsecureHttp ?? InsecureHttp,
        LegacyHttpPort = over.LegacyHttpPort ?? LegacyHttpPort,
        StunPort = over.StunPort ?? StunPort,
        XmppServer = over.XmppServer ?? XmppServer,
        XmppJid = over.XmppJid ?? XmppJid,
        XmppPasswordFile = over.XmppPasswordFile ?? XmppPasswordFile,
        XmppCa = over.XmppCa ?? XmppCa,
        XmppAllowDomains = over.XmppAllowDomains ?? XmppAllowDomains,
        TlsCert = over.TlsCert ?? TlsCert,
        TlsKey = over.TlsKey ?? TlsKey,
        ClientCa = over.ClientCa ?? ClientCa,
        AllowBasic = over.AllowBasic ?? AllowBasic,
        DigestSha256Only = over.DigestSha256Only ?? DigestSha256Only,
        DisableEnrollment = over.DisableEnrollment ?? DisableEnrollment,
        EnrollAllow = over.EnrollAllow ?? EnrollAllow,
        BootstrapCredential = over.BootstrapCredential ?? BootstrapCredential,
        SessionTimeoutSeconds = over.SessionTimeoutSeconds ?? SessionTimeoutSeconds,
        MaxSessionsInFlight = over.MaxSessionsInFlight ?? MaxSessionsInFlight,
        TaskHistoryDays = over.TaskHistoryDays ?? TaskHistoryDays,
        DrainTimeoutSeconds = over.DrainTimeoutSeconds ?? DrainTimeoutSeconds,
        MetricsWithoutKey = over.MetricsWithoutKey ?? MetricsWithoutKey,
        LogFormat = over.LogFormat ?? LogFormat,
        Extensions = Extensions is null ? over.Extensions : over.Extensions is null ? Extensions : new Dictionary<string, string>(Extensions.Concat(over.Extensions).GroupBy(p => p.Key, StringComparer.Ordinal).Select(g => g.Last()), StringComparer.Ordinal),
        ExtensionCa = over.ExtensionCa ?? ExtensionCa,
        Limits = Limits is null ? over.Limits : over.Limits is null ? Limits : new Dictionary<string, long>(Limits.Concat(over.Limits).GroupBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(g => g.Last())),
    };

    /// <summary><c>NAME=URL</c> pairs of <c>--ext</c>; null when there are none.</summary>
    public static Dictionary<string, string>? ParseExtensions(IEnumerable<string>? pairs)
    {
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new ArgumentException($"--ext {pair}: expected NAME=URL, e.g. directory=https://ext.example.net/directory.");
            }

            extensions[pair[..at].Trim()] = pair[(at + 1)..].Trim();
        }

        return extensions.Count == 0 ? null : extensions;
    }

    /// <summary><c>NAME=VALUE</c> pairs (from <paramref name="source"/>: an option or a variable) as limits; null when there are none.</summary>
    public static Dictionary<string, long>? ParseLimits(string source, IEnumerable<string>? pairs)
    {
        if (pairs is null)
        {
            return null;
        }

        var limits = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in pairs)
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || !long.TryParse(pair.AsSpan(at + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw new ArgumentException($"{source} {pair}: expected NAME=VALUE with a whole number, e.g. cwmp.maxBodyBytes=8388608.");
            }

            limits[pair[..at].Trim()] = value;
        }

        return limits.Count == 0 ? null : limits;
    }

    public ServerOptions ToOptions()
    {
        var options = new ServerOptions();
        if (Data is not null)
        {
            options.DataDirectory = Data;
        }

        // The API never follows --listen: it is told separately, so that widening CWMP for CPEs does not expose
        // logins, keys and users to the CPE network.
        SetAddresses(options.Listen, Listen, "--listen");
        SetAddresses(options.Api.Listen, ApiListen, "--api-listen");

        options.CwmpPort = CwmpPort ?? options.CwmpPort;
        options.Api.Port = ApiPort ?? options.Api.Port;
        options.Files.Port = FilesPort ?? options.Files.Port;
        options.Files.HttpPort = FilesHttpPort;
        options.Files.PublicUrl = FilesUrl;
        foreach (var host in AcsUrlAllow ?? [])
        {
            options.Api.AcsUrlAllowList.Add(host);
        }

        foreach (var network in CpeNetworks ?? [])
        {
            options.ConnectionRequestTargets.AllowedNetworks.Add(network);
        }

        foreach (var name in Hostnames ?? [])
        {
            options.Hostnames.Add(name);
        }

        options.InsecureHttp = InsecureHttp ?? false;
        options.LegacyHttpPort = LegacyHttpPort;
        options.StunPort = StunPort is < 0 ? null : StunPort ?? Palisade.Server.ServerOptions.DefaultStunPort;
        if (XmppServer is not null)
        {
            // Each node logs in with its own resource, so several nodes can share one ACS account.
            options.Xmpp = Palisade.Xmpp.XmppOptions.FromSettings(XmppServer, XmppJid, XmppPasswordFile, XmppCa, "palisade-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)));
        }
        else if (XmppJid is not null || XmppPasswordFile is not null || XmppAllowDomains is { Count: > 0 })
        {
            throw new ArgumentException("--xmpp-jid, --xmpp-password-file and --xmpp-allow-domain need --xmpp-server HOST:PORT.");
        }

        foreach (var domain in XmppAllowDomains ?? [])
        {
            options.ConnectionRequestTargets.XmppDomains.Add(Palisade.Acs.Xmpp.XmppConnectionRequests.CheckDomain(domain));
        }

        options.TlsCertificatePath = TlsCert;
        options.TlsKeyPath = TlsKey;
        foreach (var ca in ClientCa ?? [])
        {
            options.ClientCaPaths.Add(ca);
        }

        options.Authentication.AllowBasic = AllowBasic ?? false;
        options.Authentication.RequireSha256 = DigestSha256Only ?? false;
        options.DisableEnrollment = DisableEnrollment ?? false;
        if (EnrollAllow is { } allowList)
        {
            try
            {
                options.Authentication.Enrollment.AllowList = Palisade.Acs.Identity.EnrollmentAllowList.Load(allowList);
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"--enroll-allow {allowList}: {e.Message}", e);
            }
        }
        options.BootstrapCredential = BootstrapCredential;
        if (SessionTimeoutSeconds is { } timeout)
        {
            options.Sessions.SessionTimeout = TimeSpan.FromSeconds(timeout);
        }

        if (MaxSessionsInFlight is { } max)
        {
            options.Sessions.MaxSessionsInFlight = max;
        }

        if (TaskHistoryDays is { } days)
        {
            // 0 keeps every task; a negative number reaches Validate and is refused there.
            options.TaskHistory = days == 0 ? null : TimeSpan.FromDays(days);
        }

        foreach (var (name, value) in Limits ?? [])
        {
            LimitSettings.Set(options, name, value);
        }

        if (Extensions is { Count: > 0 })
        {
            var endpoints = new Dictionary<string, Uri>(StringComparer.Ordinal);
            foreach (var (name, url) in Extensions)
            {
                endpoints[name] = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
                    ? uri
                    : throw new ArgumentException($"extension {name}: {url} is not an absolute https URL.");
            }

            options.Extensions = new Acs.Provisioning.ScriptExtensionOptions { Endpoints = endpoints };
        }

        foreach (var ca in ExtensionCa ?? [])
        {
            options.ExtensionCaPaths.Add(ca);
        }

        if (DrainTimeoutSeconds is { } drain)
        {
            options.DrainTimeout = drain is >= 0 and <= 3600 ? TimeSpan.FromSeconds(drain) : throw new ArgumentException("The drain timeout must be from 0 to 3600 seconds.");
        }

        options.Api.MetricsWithoutKey = MetricsWithoutKey ?? false;
        _ = JsonLog;
        return options;
    }

    private static void SetAddresses(IList<IPAddress> target, List<string>? addresses, string option)
    {
        if (addresses is not { Count: > 0 })
        {
            return;
        }

        target.Clear();
        foreach (var address in addresses)
        {
            target.Add(IPAddress.TryParse(address, out var ip) ? ip
                : address == "localhost" ? IPAddress.Loopback
                : throw new ArgumentException($"{option} {address}: not an IP address (use 0.0.0.0 or :: for all interfaces)."));
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ServeSettings))]
internal sealed partial class ServeSettingsJson : JsonSerializerContext
{
}
