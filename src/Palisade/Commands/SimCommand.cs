using System.CommandLine;
using System.Text.Json;
using Palisade.Acs.Devices;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Cpe.Simulation;
using Palisade.Security.Pki;
using Palisade.Security.Secrets;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary><c>palisade sim</c>: a fleet of simulated CPEs against any ACS.</summary>
internal static class SimCommand
{
    public static Command Create()
    {
        var acs = new Option<string>("--acs") { Description = "The ACS URL the devices use (https://…; http:// only for a plaintext lab ACS).", Required = true };
        var devices = new Option<int>("--devices") { Description = "How many devices (default 100).", DefaultValueFactory = _ => 100 };
        var ca = new Option<string[]>("--ca") { Description = "CA certificate (PEM) the ACS certificate must chain to, e.g. palisade-data/pki/ca.crt. Repeatable." };
        var model = new Option<string>("--model") { Description = "tr181 (Device:2) or tr098 (InternetGatewayDevice). Default tr181.", DefaultValueFactory = _ => "tr181" };
        var profile = new Option<string?>("--profile") { Description = "gateway (default: a home gateway, a few hundred parameters), full (every object of the model) or a profile JSON file." };
        var periodic = new Option<int>("--periodic") { Description = "Periodic inform interval in seconds (default 300).", DefaultValueFactory = _ => 300 };
        var ramp = new Option<int>("--ramp") { Description = "Spread the devices' first sessions over this many seconds (default 10).", DefaultValueFactory = _ => 10 };
        var duration = new Option<int?>("--duration") { Description = "Stop after this many seconds (default: run until Ctrl+C)." };
        var bootstrap = new Option<string?>("--bootstrap-credential") { Description = "USER:PASS the devices present before enrollment (or env PALISADE_BOOTSTRAP_CREDENTIAL, or a file with --bootstrap-credential-file)." };
        var bootstrapFile = new Option<string?>("--bootstrap-credential-file") { Description = "A file holding USER:PASS, e.g. palisade-data/bootstrap-credential." };
        var json = new Option<string?>("--json") { Description = "Write the summary as JSON to this file." };
        var prefix = new Option<string>("--serial-prefix") { Description = "Serial number prefix (default SIM).", DefaultValueFactory = _ => "SIM" };
        var first = new Option<int>("--first-index") { Description = "Index of the first device (default 0).", DefaultValueFactory = _ => 0 };
        var cr = new Option<string?>("--connection-requests") { Description = "Listen for connection requests on this address (one listener for the fleet, a random path per device)." };
        var stun = new Option<string?>("--stun") { Description = "HOST:PORT of a STUN server (e.g. the ACS's built-in one, UDP 3478): each device also listens for UDP connection requests on the --connection-requests address, binds through STUN with its connection-request credentials, keeps the NAT binding open and reports the mapped address (TR-069 Annex G)." };
        var udp = new Option<bool>("--udp-connection-requests") { Description = "Each device also listens for UDP connection requests on the --connection-requests address (TR-069 Annex G) and reports it, without STUN until the ACS turns it on (ManagementServer.STUNEnable, STUNServerAddress, …); --stun implies it." };
        var stunKeepAlive = new Option<int>("--stun-keepalive") { Description = "Seconds between a device's STUN binding requests (default 30).", DefaultValueFactory = _ => 30 };
        var xmppServer = new Option<string?>("--xmpp-server") { Description = "HOST:PORT of an XMPP server: each device also logs in there (STARTTLS, SCRAM-SHA-1) as --xmpp-jid, reports its JID as ConnReqJabberID and takes XMPP connection requests (TR-069 Annex K) from the --xmpp-allowed JIDs." };
        var xmppJid = new Option<string?>("--xmpp-jid") { Description = "Each device's XMPP account: {n} is replaced by the device's number from 1, {serial} by its serial number, e.g. 'cpe{n}@xmpp.example.net'. The resource is cwmp unless given." };
        var xmppPasswordFile = new Option<string?>("--xmpp-password-file") { Description = "A file whose first line is the devices' XMPP password (one for the whole fleet)." };
        var xmppCa = new Option<string[]>("--xmpp-ca") { Description = "A CA (PEM) the XMPP server's certificate must chain to; repeatable. Default: the system's roots." };
        var xmppAllowed = new Option<string[]>("--xmpp-allowed") { Description = "A JID that may send XMPP connection requests (ManagementServer.ConnReqAllowedJabberIDs), e.g. the ACS's; repeatable; required with --xmpp-server.", AllowMultipleArgumentsPerToken = true };
        var insecure = new Option<bool>("--insecure-skip-verify") { Description = "Do not check the ACS certificate. INSECURE; logged on every session." };
        var connection = new Option<string>("--connection") { Description = "per-session (default: a new connection, and TLS handshake, for every session, as real CPEs do; each device resumes only its own TLS session) or kept (one connection per device, kept across sessions).", DefaultValueFactory = _ => "per-session" };
        connection.AcceptOnlyFromAmong("per-session", "kept");
        var certificates = new Option<string?>("--client-certificates-from") { Description = "Give each device a client certificate (subject CN OUI-ProductClass-SerialNumber) issued by the CA in this folder (ca.crt and ca.key, e.g. palisade-data/pki), as certificate-provisioned CPEs have; they need no password. A lab option: it reads the CA's private key." };

        var credentialsFrom = new Option<string?>("--credentials-from") { Description = "Simulate the devices of a factory-credential file (the CSV of 'palisade devices import'): their ids, ACS and connection-request credentials; --devices is ignored." };
        var auth = new Option<string>("--auth") { Description = "digest (default: answer the ACS's Digest challenge) or basic (send Basic credentials, as CPEs built for Basic over TLS do).", DefaultValueFactory = _ => "digest" };
        auth.AcceptOnlyFromAmong("digest", "basic");
        var noRotation = new Option<bool>("--no-rotation") { Description = "The devices keep their factory ACS credential whatever the ACS sets, as many real CPEs do." };
        var retryWait = new Option<int>("--retry-minimum-wait") { Description = "Each device's CWMPRetryMinimumWaitInterval in seconds: the first wait after a failed or shed session, doubling after each further one (default 5).", DefaultValueFactory = _ => 5 };
        var untilServed = new Option<bool>("--until-served") { Description = "End as soon as every device has completed a session (a first-boot wave served), or at --duration if that comes first; the summary's duration is how long the wave took." };
        var signingKey = new Option<string[]>("--signing-key") { Description = "A public key (PEM) the devices trust for signed downloads, e.g. palisade-data/pki/signing.pub.pem. Repeatable.", AllowMultipleArgumentsPerToken = true };
        var firmwareFailure = new Option<string>("--firmware-failure") { Description = "How the failing share of devices fails firmware upgrades: none (default), bad-signature (fault 9018), download-fault (9010), never-returns (reboots and stays silent), old-version (comes back on the old version).", DefaultValueFactory = _ => "none" };
        var firmwareFailureShare = new Option<double>("--firmware-failure-share") { Description = "The share of devices (0–1) that fail, chosen by serial number so runs repeat (default 0).", DefaultValueFactory = _ => 0 };
        var command = new Command("sim", "Simulate a fleet of TR-069 CPEs against an ACS (Palisade or any other) and report sessions/s, latency and errors.")
        {
            acs, devices, ca, model, profile, periodic, ramp, duration, bootstrap, bootstrapFile, json, prefix, first, cr, stun, udp, stunKeepAlive, xmppServer, xmppJid, xmppPasswordFile, xmppCa, xmppAllowed, insecure, connection, certificates, retryWait, untilServed, credentialsFrom, auth, noRotation, signingKey, firmwareFailure, firmwareFailureShare,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            FleetOptions options;
            CertificateAuthority? authority = null;
            try
            {
                var credentialText = result.GetValue(bootstrap) ?? Environment.GetEnvironmentVariable("PALISADE_BOOTSTRAP_CREDENTIAL")
                    ?? (result.GetValue(bootstrapFile) is { } file ? await File.ReadAllTextAsync(file, cancellationToken) : null);
                BootstrapCredential? credential = null;
                if (credentialText is not null && !BootstrapCredential.TryParse(credentialText, out credential))
                {
                    throw new ArgumentException("The bootstrap credential must be USER:PASS.");
                }

                if (result.GetValue(retryWait) is < 1 or > 65_535)
                {
                    throw new ArgumentException("--retry-minimum-wait must be between 1 and 65535 seconds.");
                }

                var count = result.GetValue(devices);
                if (count is < 1 or > 1_000_000)
                {
                    throw new ArgumentException("--devices must be between 1 and 1000000.");
                }

                if (!Uri.TryCreate(result.GetValue(acs), UriKind.Absolute, out var acsUrl) || acsUrl.Scheme is not ("https" or "http"))
                {
                    throw new ArgumentException($"--acs {result.GetValue(acs)}: not an absolute https:// URL.");
                }

                options = new FleetOptions
                {
                    AcsUrl = acsUrl,
                    Devices = count,
                    Profile = DeviceProfile.Resolve(result.GetValue(profile), result.GetValue(model)!),
                    Periodic = TimeSpan.FromSeconds(Math.Max(1, result.GetValue(periodic))),
                    Ramp = TimeSpan.FromSeconds(Math.Max(0, result.GetValue(ramp))),
                    Duration = result.GetValue(duration) is { } d ? TimeSpan.FromSeconds(d) : null,
                    BootstrapUsername = credential?.Username,
                    BootstrapPassword = credential?.Password,
                    SerialPrefix = result.GetValue(prefix)!,
                    FirstIndex = result.GetValue(first),
                    InsecureSkipVerify = result.GetValue(insecure),
                    ConnectionRequestAddress = result.GetValue(cr) is { } address ? System.Net.IPAddress.Parse(address) : null,
                    StunServer = result.GetValue(stun) is { } stunServer ? Palisade.Cpe.ConnectionRequests.UdpConnectionRequestListener.ParseStunServer(stunServer, "--stun") : null,
                    UdpConnectionRequests = result.GetValue(udp),
                    StunKeepAlive = result.GetValue(stunKeepAlive) is >= 1 and <= 3600 and var keepAlive ? TimeSpan.FromSeconds(keepAlive) : throw new ArgumentException("--stun-keepalive must be between 1 and 3600 seconds."),
                    Connection = CpeConfig.ParseConnection(result.GetValue(connection)!, "--connection"),
                    RetryMinimumWaitSeconds = result.GetValue(retryWait),
                    StopWhenServed = result.GetValue(untilServed),
                    KeepFactoryCredentials = result.GetValue(noRotation),
                    PreferBasic = result.GetValue(auth) == "basic",
                    FirmwareFailure = result.GetValue(firmwareFailure) switch
                    {
                        "none" => Palisade.Cpe.Agent.FirmwareFailure.None,
                        "bad-signature" => Palisade.Cpe.Agent.FirmwareFailure.BadSignature,
                        "download-fault" => Palisade.Cpe.Agent.FirmwareFailure.DownloadFault,
                        "never-returns" => Palisade.Cpe.Agent.FirmwareFailure.NeverReturns,
                        "old-version" => Palisade.Cpe.Agent.FirmwareFailure.OldVersion,
                        var other => throw new ArgumentException($"--firmware-failure {other}: expected none, bad-signature, download-fault, never-returns or old-version."),
                    },
                    FirmwareFailureShare = result.GetValue(firmwareFailureShare) is >= 0 and <= 1 and var share ? share : throw new ArgumentException("--firmware-failure-share is between 0 and 1."),
                };
                if (result.GetValue(xmppServer) is { } xmpp)
                {
                    var format = result.GetValue(xmppJid) ?? throw new ArgumentException("--xmpp-server needs --xmpp-jid (e.g. 'cpe{n}@xmpp.example.net').");
                    var passwordFile = result.GetValue(xmppPasswordFile);
                    var cas = result.GetValue(xmppCa);
                    var allowed = result.GetValue(xmppAllowed) ?? [];
                    if (allowed.Length == 0 || allowed.Any(j => !Palisade.Xmpp.Jid.TryParse(j, out _)))
                    {
                        throw new ArgumentException("--xmpp-server needs --xmpp-allowed JID (local@domain[/resource]): who may send connection requests, e.g. the ACS's JID.");
                    }

                    // Checked now, so that a bad server, JID or password file is a usage error before any device starts.
                    _ = Palisade.Xmpp.XmppOptions.FromSettings(xmpp, format.Replace("{n}", "1", StringComparison.Ordinal).Replace("{serial}", "x", StringComparison.Ordinal), passwordFile, cas, "cwmp");
                    options.XmppAccount = (n, serial) => Palisade.Xmpp.XmppOptions.FromSettings(xmpp, format.Replace("{n}", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("{serial}", serial, StringComparison.Ordinal), passwordFile, cas, "cwmp");
                    foreach (var jid in allowed)
                    {
                        options.XmppAllowedJids.Add(jid);
                    }
                }

                if ((options.StunServer is not null || options.UdpConnectionRequests) && options.ConnectionRequestAddress is null)
                {
                    throw new ArgumentException("--stun and --udp-connection-requests need --connection-requests ADDRESS: the devices' UDP connection-request listener binds there.");
                }

                foreach (var keyFile in result.GetValue(signingKey) ?? [])
                {
                    var key = Palisade.Security.Signing.SigningKeyFile.LoadPublic(keyFile);
                    options.SigningKeys[Palisade.Security.Signing.FileSignature.KeyIdOf(key)] = key;
                }

                if (result.GetValue(credentialsFrom) is { } factoryFile)
                {
                    var parsed = Palisade.Acs.FactoryCredentials.FactoryCredentialFile.Parse(await File.ReadAllTextAsync(factoryFile, cancellationToken), out var problems);
                    if (problems.Count > 0)
                    {
                        throw new ArgumentException($"--credentials-from {factoryFile}: " + string.Join(" ", problems.Take(10)));
                    }

                    options.FactoryDevices = [.. parsed.Select(d => new FactoryCpe(d.Id.Oui, d.Id.ProductClass, d.Id.SerialNumber, d.Username, d.Password, d.ConnectionRequestUsername, d.ConnectionRequestPassword))];
                    options.Devices = parsed.Count;
                }
                foreach (var path in result.GetValue(ca) ?? [])
                {
                    options.TrustedCas.ImportFromPemFile(path);
                }

                if (result.GetValue(certificates) is { } pki)
                {
                    authority = new CertificateAuthority(PkiStore.LoadWithKey(Path.Combine(pki, "ca.crt"), Path.Combine(pki, "ca.key")));
                    var issuer = authority;
                    options.ClientCertificates = identity => issuer.IssueClient(new DeviceId(identity.Oui, identity.ProductClass, identity.SerialNumber).ToString(), TimeSpan.FromDays(30));
                }
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException or System.Security.Cryptography.CryptographicException)
            {
                authority?.Dispose();
                AnsiConsole.MarkupLineInterpolated($"[red]palisade sim: {e.Message}[/]");
                return 2;
            }

            await using var fleet = new FleetSimulator(options);
            AnsiConsole.MarkupLineInterpolated($"Building {options.Devices} devices ({options.Profile.Model}) …");
            using (authority)
            {
                // The certificates are issued while the fleet is built; the CA key is not needed after that.
                await fleet.CreateAsync(cancellationToken);
            }

            AnsiConsole.MarkupLineInterpolated($"{options.Devices} devices with {fleet.Agents[0].Model.Template.ParameterCount} parameters each → {options.AcsUrl} (connection {result.GetValue(connection)})");
            var run = fleet.RunAsync(cancellationToken);
            await ShowProgressAsync(fleet.Stats, run);
            var summary = await run;
            Print(summary);
            if (result.GetValue(json) is { } jsonPath)
            {
                await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(summary, FleetJson.Default.FleetSummary), CancellationToken.None);
            }

            return summary.Errors == 0 ? 0 : 1;
        });
        return command;
    }

    private static async Task ShowProgressAsync(FleetStats stats, Task run)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long lastSessions = 0;
        var lastTime = TimeSpan.Zero;
        var interactive = !Console.IsOutputRedirected;
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(interactive ? 1000 : 5000));
            var now = clock.Elapsed;
            var sessions = stats.Sessions;
            var rate = (sessions - lastSessions) / Math.Max(0.001, (now - lastTime).TotalSeconds);
            (lastSessions, lastTime) = (sessions, now);
            var errors = string.Join(", ", stats.ErrorsByKind.Select(e => $"{e.Key}={e.Value}"));
            Console.WriteLine($"[{now:hh\\:mm\\:ss}] sessions {sessions}  {rate:0.0}/s  p50 {stats.Percentile(50):0.0} ms  p99 {stats.Percentile(99):0.0} ms  shed {stats.Shed}  errors {stats.Failures}{(errors.Length > 0 ? " (" + errors + ")" : string.Empty)}");
        }
    }

    private static void Print(FleetSummary summary)
    {
        var table = new Table().AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("devices (served)", $"{summary.Devices} ({summary.DevicesServed})");
        table.AddRow("connection", summary.Connection);
        table.AddRow("sessions", summary.Sessions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("sessions/s", summary.SessionsPerSecond.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("latency p50 / p95 / p99 (ms)", $"{summary.LatencyMs.P50:0.0} / {summary.LatencyMs.P95:0.0} / {summary.LatencyMs.P99:0.0}");
        table.AddRow("shed (503 + Retry-After, retried)", summary.Shed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("errors", summary.Errors.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (kind, n) in summary.ErrorsByKind)
        {
            table.AddRow("  " + Markup.Escape(kind), n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
    }
}
