using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Palisade.Server;
using Palisade.Server.Listeners;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary><c>palisade serve</c>: run the ACS.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Data folder: the embedded store, the private PKI (pki/) and the bootstrap credential. Default ./palisade-data. Env PALISADE_DATA." };
        var db = new Option<string?>("--db") { Description = "The store: postgresql://USER@HOST:PORT/DATABASE (several nodes may share it), or sqlite (the default: DATA/palisade.db). The password never goes here: PALISADE_DB_PASSWORD, PALISADE_DB_PASSWORD_FILE or PGPASSWORD. Env PALISADE_DB." };
        var listen = new Option<string[]>("--listen") { Description = "Address to listen on; repeat for several. Default 127.0.0.1 only; use 0.0.0.0 or :: to accept CPEs from the network (CWMP only: the API keeps to --api-listen). Env PALISADE_LISTEN (comma-separated).", AllowMultipleArgumentsPerToken = true };
        var port = new Option<int?>("--cwmp-port") { Description = "CWMP port (default 7547, the IANA CWMP port; 0 picks a free one). Env PALISADE_CWMP_PORT." };
        var apiPort = new Option<int?>("--api-port") { Description = "Northbound API port, HTTPS (default 7557; 0 picks a free one; -1 turns the API off). Env PALISADE_API_PORT." };
        var filesPort = new Option<int?>("--files-port") { Description = "File server port, HTTPS on the same PKI: devices download firmware and upload configuration backups here with per-device, short-lived URLs (default 7567; 0 picks a free one; -1 turns it off). Env PALISADE_FILES_PORT." };
        var filesHttpPort = new Option<int?>("--files-http-port") { Description = "Also serve files over plaintext HTTP on this port, only to devices that inform over plaintext (palisade posture lists them; each such URL is logged; never configuration files). Off by default. Env PALISADE_FILES_HTTP_PORT." };
        var filesUrl = new Option<string?>("--files-url") { Description = "The file server's base URL as devices reach it (e.g. behind a load balancer). Default https://HOSTNAME:FILES-PORT/. Env PALISADE_FILES_URL." };
        var apiListen = new Option<string[]>("--api-listen") { Description = "Address the API listens on; repeat for several. Default 127.0.0.1 only, whatever --listen says: the API (logins, keys, users) is not exposed where CPEs connect unless named here. Env PALISADE_API_LISTEN (comma-separated).", AllowMultipleArgumentsPerToken = true };
        var acsUrlAllow = new Option<string[]>("--acs-url-allow") { Description = "Host a device's ManagementServer.URL may be set to through the API. Repeatable. Default: the --hostname names. Env PALISADE_ACS_URL_ALLOW.", AllowMultipleArgumentsPerToken = true };
        var cpeNetwork = new Option<string[]>("--cpe-network") { Description = "A network (CIDR) of CPEs that connection requests may go to; repeat for several. Default: any address but loopback, link-local/metadata and this ACS's own. Env PALISADE_CPE_NETWORKS (comma-separated).", AllowMultipleArgumentsPerToken = true };
        var hostname = new Option<string[]>("--hostname") { Description = "Host name or IP address CPEs use to reach this ACS; the generated server certificate covers each. Repeatable. Default localhost and 127.0.0.1. Env PALISADE_HOSTNAME.", AllowMultipleArgumentsPerToken = true };
        var insecure = new Option<bool>("--insecure-http") { Description = "Serve CWMP over plaintext HTTP instead of HTTPS. INSECURE: passwords and configuration travel readable; every device is recorded as plaintext. For labs and legacy CPEs only." };
        var stunPort = new Option<int?>("--stun-port") { Description = "UDP port of the built-in STUN server (TR-069 Annex G: devices behind NAT learn and keep their public UDP address for connection requests). Default 3478; -1 turns it off. Env PALISADE_STUN_PORT." };
        var xmppServer = new Option<string?>("--xmpp-server") { Description = "HOST:PORT of the ISP's XMPP server (c2s, usually 5222): the ACS logs in there (STARTTLS required, SCRAM-SHA-1) and sends XMPP connection requests (TR-069 Annex K) to devices HTTP and UDP cannot reach. Needs --xmpp-jid and --xmpp-password-file. Env PALISADE_XMPP_SERVER." };
        var xmppJid = new Option<string?>("--xmpp-jid") { Description = "The ACS's XMPP account, local@domain (the domain is the name its certificate must carry). Devices must list it in ManagementServer.ConnReqAllowedJabberIDs. Env PALISADE_XMPP_JID." };
        var xmppPasswordFile = new Option<string?>("--xmpp-password-file") { Description = "A file whose first line is the XMPP account's password (never on the command line). Env PALISADE_XMPP_PASSWORD_FILE." };
        var xmppCa = new Option<string[]>("--xmpp-ca") { Description = "A CA (PEM) the XMPP server's certificate must chain to; repeatable. Default: the system's roots. Env PALISADE_XMPP_CA." };
        var xmppAllowDomain = new Option<string[]>("--xmpp-allow-domain") { Description = "A domain besides the ACS account's own that XMPP connection requests may go to; repeatable. Default: none — a device's reported ConnReqJabberID elsewhere (the request carries its connection-request credentials) is refused. Env PALISADE_XMPP_ALLOW_DOMAINS (comma-separated).", AllowMultipleArgumentsPerToken = true };
        var legacyHttp = new Option<int?>("--legacy-http-port") { Description = "Also serve CWMP over plaintext HTTP on this port, beside TLS, for legacy devices until the moveToHttps task has moved them (palisade posture lists them). Env PALISADE_LEGACY_HTTP_PORT." };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "Your own server certificate (PEM) instead of the one from Palisade's private CA. Needs --tls-key." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "The private key (PEM) of --tls-cert." };
        var clientCa = new Option<string[]>("--client-ca") { Description = "A further CA (PEM) whose client certificates identify devices (subject CN = OUI-ProductClass-SerialNumber). Repeatable." };
        var allowBasic = new Option<bool>("--allow-basic") { Description = "Also accept HTTP Basic from CPEs, over TLS only. Off by default: Digest or client certificates are safer." };
        var sha256Only = new Option<bool>("--digest-sha256-only") { Description = "Offer and accept HTTP Digest with SHA-256 only; CPEs that speak only MD5 are refused. Off by default (many CPEs speak only MD5). Env PALISADE_DIGEST_SHA256_ONLY." };
        var enrollAllow = new Option<string?>("--enroll-allow") { Description = "A file of the device ids that may enroll on the bootstrap credential, one a line: a whole id (OUI-ProductClass-SerialNumber) or a prefix such as 00D09E-HGW-*. Any other id is refused before anything is stored. Env PALISADE_ENROLL_ALLOW." };
        var noEnroll = new Option<bool>("--no-enrollment") { Description = "Admit only devices with stored credentials or a client certificate; no bootstrap credential." };
        var timeout = new Option<int?>("--session-timeout") { Description = "Seconds a CWMP session may stay silent before it is closed (default 30)." };
        var maxSessions = new Option<int?>("--max-sessions") { Description = "Sessions in flight above which new ones get 503 with Retry-After (default 2048)." };
        var taskHistory = new Option<int?>("--task-history-days") { Description = "Days a finished task is kept with its result before it is deleted (default 30; 0 keeps every task). Env PALISADE_TASK_HISTORY_DAYS." };
        var limit = new Option<string[]>("--limit") { Description = "Set a bound: NAME=VALUE, repeatable. Env PALISADE_LIMITS (comma-separated NAME=VALUE); file key limits ({\"NAME\": VALUE}). Each is checked at start. The bounds and their defaults:\n" + LimitSettings.Describe(), AllowMultipleArgumentsPerToken = true };
        var showSecrets = new Option<bool>("--show-secrets-once") { Description = "Also print a new admin password and a new bootstrap credential in the start banner. Off by default: they are written only to owner-only files in the data folder (admin-password, bootstrap-credential), whose paths are printed, because service managers keep stdout in their logs." };
        var logLevel = new Option<Microsoft.Extensions.Logging.LogLevel?>("--log-level") { Description = "Trace, Debug, Information (default: one line per session), Warning, Error." };
        var drain = new Option<int?>("--drain-timeout") { Description = "On SIGTERM (or Ctrl+C), seconds the sessions in flight get to finish while new ones are refused with 503 and /readyz says not ready; then the node ends them and exits (default 30). A second signal ends the drain at once." };
        var metricsWithoutKey = new Option<bool>("--metrics-without-key") { Description = "Serve /metrics on the API listener without a key, for a Prometheus on a private management network. Off by default: a scrape needs a key with the read-metrics permission (role monitor)." };
        var logFormat = new Option<string?>("--log-format") { Description = "simple (default: one line per entry) or json (one JSON object per line, for log shippers)." };
        logFormat.AcceptOnlyFromAmong("simple", "json");
        var ext = new Option<string[]>("--ext") { Description = "An extension provision scripts may call with ext(NAME, …): NAME=https://URL, repeatable. Only listed names are called; none listed, ext() faults its channel. File key extensions ({\"NAME\": \"URL\"}). See docs/provisioning.md.", AllowMultipleArgumentsPerToken = true };
        var extCa = new Option<string[]>("--ext-ca") { Description = "A CA (PEM) trusted for extension endpoints besides the system's roots. Repeatable. File key extensionCa." };
        var config = new Option<string?>("--config") { Description = "A JSON settings file (keys: data, db, listen, cwmpPort, apiPort, apiListen, acsUrlAllow, cpeNetworks, hostnames, insecureHttp, legacyHttpPort, stunPort, xmppServer, xmppJid, xmppPasswordFile, xmppCa, xmppAllowDomain, tlsCert, tlsKey, clientCa, allowBasic, digestSha256Only, disableEnrollment, enrollAllow, bootstrapCredential, sessionTimeoutSeconds, maxSessionsInFlight, taskHistoryDays, extensions, extensionCa, limits). Environment and command line override it." };

        var command = new Command("serve", """
            Run the ACS: the CWMP endpoint for CPEs, over TLS with a private CA by default.
            First start creates DATA/pki (CA and server certificate), DATA/bootstrap-credential and DATA/admin-password (both
            owner-only), and prints what a CPE needs and where those files are; the secrets themselves only with --show-secrets-once.
            The bootstrap credential can also be set with the environment variable PALISADE_BOOTSTRAP_CREDENTIAL=user:password
            (never on the command line, where other users could read it).
            """)
        {
            data, db, listen, port, apiPort, filesPort, filesHttpPort, filesUrl, apiListen, acsUrlAllow, cpeNetwork, hostname, insecure, legacyHttp, stunPort, xmppServer, xmppJid, xmppPasswordFile, xmppCa, xmppAllowDomain, tlsCert, tlsKey, clientCa, allowBasic, sha256Only, enrollAllow, noEnroll, timeout, maxSessions, taskHistory, limit, ext, extCa, showSecrets, logLevel, drain, metricsWithoutKey, logFormat, config,
        };

        command.SetAction(async (result, cancellationToken) =>
        {
            ServerOptions options;
            string? database;
            var jsonLog = false;
            try
            {
                var settings = new ServeSettings();
                if (result.GetValue(config) is { } file)
                {
                    settings = settings.Overlay(ServeSettings.FromFile(file));
                }

                settings = settings.Overlay(ServeSettings.FromEnvironment(Environment.GetEnvironmentVariable));
                settings = settings.Overlay(new ServeSettings
                {
                    Data = result.GetValue(data),
                    Db = result.GetValue(db),
                    Listen = NonEmpty(result.GetValue(listen)),
                    CwmpPort = result.GetValue(port),
                    ApiPort = result.GetValue(apiPort),
                    FilesPort = result.GetValue(filesPort),
                    FilesHttpPort = result.GetValue(filesHttpPort),
                    FilesUrl = result.GetValue(filesUrl),
                    ApiListen = NonEmpty(result.GetValue(apiListen)),
                    AcsUrlAllow = NonEmpty(result.GetValue(acsUrlAllow)),
                    CpeNetworks = NonEmpty(result.GetValue(cpeNetwork)),
                    Hostnames = NonEmpty(result.GetValue(hostname)),
                    InsecureHttp = result.GetValue(insecure) ? true : null,
                    LegacyHttpPort = result.GetValue(legacyHttp),
                    StunPort = result.GetValue(stunPort),
                    XmppServer = result.GetValue(xmppServer),
                    XmppJid = result.GetValue(xmppJid),
                    XmppPasswordFile = result.GetValue(xmppPasswordFile),
                    XmppCa = NonEmpty(result.GetValue(xmppCa)),
                    XmppAllowDomains = NonEmpty(result.GetValue(xmppAllowDomain)),
                    TlsCert = result.GetValue(tlsCert),
                    TlsKey = result.GetValue(tlsKey),
                    ClientCa = NonEmpty(result.GetValue(clientCa)),
                    AllowBasic = result.GetValue(allowBasic) ? true : null,
                    DigestSha256Only = result.GetValue(sha256Only) ? true : null,
                    DisableEnrollment = result.GetValue(noEnroll) ? true : null,
                    EnrollAllow = result.GetValue(enrollAllow),
                    SessionTimeoutSeconds = result.GetValue(timeout),
                    MaxSessionsInFlight = result.GetValue(maxSessions),
                    TaskHistoryDays = result.GetValue(taskHistory),
                    Limits = ServeSettings.ParseLimits("--limit", result.GetValue(limit)),
                    Extensions = ServeSettings.ParseExtensions(result.GetValue(ext)),
                    ExtensionCa = NonEmpty(result.GetValue(extCa)),
                    DrainTimeoutSeconds = result.GetValue(drain),
                    MetricsWithoutKey = result.GetValue(metricsWithoutKey) ? true : null,
                    LogFormat = result.GetValue(logFormat),
                });
                options = settings.ToOptions();
                jsonLog = settings.JsonLog;
                options.Validate();
                database = settings.Db;
                if (database is not null && database != "sqlite")
                {
                    // Read now, so that a malformed URL or an unreadable password file is a usage error before anything starts.
                    _ = Stores.PostgresOptions(options.DataDirectory, database);
                }
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade serve: {e.Message}[/]");
                return 2;
            }

            PalisadeHost host;
            try
            {
                var json = jsonLog;
                Action<Microsoft.Extensions.Logging.ILoggingBuilder>? logging = result.GetValue(logLevel) is { } || json
                    ? b =>
                    {
                        if (json)
                        {
                            b.AddJsonConsole(c =>
                            {
                                c.UseUtcTimestamp = true;
                                c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                            });
                        }
                        else
                        {
                            b.AddSimpleConsole(c =>
                            {
                                c.SingleLine = true;
                                c.UseUtcTimestamp = true;
                                c.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                            });
                        }

                        b.SetMinimumLevel(result.GetValue(logLevel) ?? LogLevel.Information);
                    }
                    : null;
                host = await PalisadeHost.StartAsync(options, dir => Stores.Open(dir, database ?? "sqlite"), logging, cancellationToken: cancellationToken);
            }
            catch (IOException e) when (IsAddressInUse(e))
            {
                // Kestrel's message names the address; which option sets that port is for the operator to see here.
                var ports = $"--cwmp-port (now {options.CwmpPort}), --api-port (now {options.Api.Port}), --files-port (now {options.Files.Port})" + (options.LegacyHttpPort is { } legacy ? $", --legacy-http-port (now {legacy})" : "");
                AnsiConsole.MarkupLineInterpolated($"[red]palisade serve: {e.Message} Another process holds that port: stop it, or choose another with {ports}.[/]");
                return 1;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or UnauthorizedAccessException or IOException or System.Security.Cryptography.CryptographicException or Acs.Storage.StoreException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade serve: {e.Message}[/]");
                return 1;
            }

            await using (host)
            {
                PrintBanner(host.Facts, result.GetValue(showSecrets));
                // SIGTERM or Ctrl+C: drain (no new sessions, those in flight finish up to the bound), then stop.
                // A second signal cuts the drain short.
                var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var cut = new CancellationTokenSource();
                var signals = 0;
                void OnSignal(System.Runtime.InteropServices.PosixSignalContext context)
                {
                    context.Cancel = true;
                    if (Interlocked.Increment(ref signals) == 1)
                    {
                        stop.TrySetResult();
                    }
                    else
                    {
                        cut.Cancel();
                    }
                }

                using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, OnSignal);
                using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, OnSignal);
                try
                {
                    await stop.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }

                await host.DrainAsync(options.DrainTimeout, cut.Token);
            }

            return 0;
        });
        return command;
    }

    private static List<string>? NonEmpty(string[]? values) => values is { Length: > 0 } ? [.. values] : null;

    private static void PrintBanner(StartupFacts facts, bool showSecrets)
    {
        var grid = new Grid().AddColumn().AddColumn();
        foreach (var url in facts.CwmpUrls)
        {
            grid.AddRow("CWMP URL", Markup.Escape(url) + (!facts.InsecureHttp && url.StartsWith("http://", StringComparison.Ordinal) ? " [yellow](plaintext, legacy devices only)[/]" : string.Empty));
        }

        if (facts.ApiUrl is not null)
        {
            grid.AddRow("API", Markup.Escape(facts.ApiUrl) + "/api/v1/");
        }

        if (facts.FilesUrl is not null)
        {
            grid.AddRow("Files", Markup.Escape(facts.FilesUrl) + " (signing key: pki/signing.pub.pem, for CPEs to trust)");
        }

        if (facts.AdminPassword is not null)
        {
            var where = Markup.Escape(facts.AdminPasswordPath ?? string.Empty);
            grid.AddRow("Admin", showSecrets
                ? $"admin:{Markup.Escape(facts.AdminPassword)} [yellow](new; shown once, also in {where}: change it or mint keys with palisade keys create)[/]"
                : $"admin, password in {where} [yellow](new; owner-only: read it, sign in, then delete the file)[/]");
        }

        grid.AddRow("Data folder", Markup.Escape(facts.DataDirectory));
        if (facts.CaCertificatePath is not null)
        {
            grid.AddRow("CA certificate", Markup.Escape(facts.CaCertificatePath) + (facts.CreatedCa ? " [green](new)[/]" : string.Empty));
            grid.AddRow("CA SHA-256", Markup.Escape(facts.CaFingerprint ?? string.Empty));
        }

        if (facts.Bootstrap is { } bootstrap)
        {
            grid.AddRow("Bootstrap credential", facts.BootstrapCreated && showSecrets
                ? $"{Markup.Escape(bootstrap.Username)}:{Markup.Escape(bootstrap.Password)} [yellow](new; shown once, kept in {Markup.Escape(facts.BootstrapPath ?? string.Empty)})[/]"
                : $"user {Markup.Escape(bootstrap.Username)}, password in {Markup.Escape(facts.BootstrapPath ?? "PALISADE_BOOTSTRAP_CREDENTIAL")}" + (facts.BootstrapCreated ? " [green](new)[/]" : string.Empty));
        }
        else
        {
            grid.AddRow("Enrollment", "closed (--no-enrollment)");
        }

        AnsiConsole.Write(new Panel(grid).Header("Palisade ACS").Expand());
        if (facts.InsecureHttp)
        {
            AnsiConsole.MarkupLine("[red bold]WARNING: CWMP over plaintext HTTP (--insecure-http).[/]");
        }

        // A plain line that scripts and tests can rely on.
        Console.WriteLine($"palisade: listening cwmp={facts.CwmpUrl}{(facts.LegacyHttpUrl is null ? string.Empty : " legacy=" + facts.LegacyHttpUrl)}{(facts.ApiUrl is null ? string.Empty : " api=" + facts.ApiUrl)}{(facts.FilesUrl is null ? string.Empty : " files=" + facts.FilesUrl)}");
    }

    // Kestrel wraps the socket error in an AddressInUseException inside an IOException.
    private static bool IsAddressInUse(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }
}
