using System.CommandLine;
using System.Text.Json;
using Palisade.Audit;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary><c>palisade audit TARGET</c>: probe an ACS or a CPE connection-request endpoint for known TR-069 weaknesses.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("target") { Description = "The ACS URL (https://acs.example:7547/) or a CPE connection-request URL (with --kind cpe)." };
        var kind = new Option<string>("--kind") { Description = "acs (default) or cpe.", DefaultValueFactory = _ => "acs" };
        var ca = new Option<string[]>("--ca") { Description = "CA certificate (PEM) to trust besides the system's, e.g. a private ACS CA. Repeatable." };
        var json = new Option<bool>("--json") { Description = "Print the findings as JSON (id, severity, title, evidence, remedy)." };
        var failOn = new Option<Severity>("--fail-on") { Description = "Exit with status 1 when a finding is at or above this severity (default high).", DefaultValueFactory = _ => Severity.High };
        var user = new Option<string?>("--username") { Description = "Credentials to test Digest replay with (optional)." };
        var password = new Option<string?>("--password") { Description = "The password for --username (prefer PALISADE_AUDIT_PASSWORD)." };
        var apiUrl = new Option<string?>("--api-url") { Description = "The ACS's API (default https://TARGET-HOST:7557/), for the checks of a deployed server." };
        var apiKey = new Option<string?>("--api-key") { Description = "An operator or admin API key: lets the SSRF check ask for a connection request (prefer PALISADE_AUDIT_API_KEY)." };
        var viewerKey = new Option<string?>("--viewer-key") { Description = "A viewer's API key: checks that viewers read no passwords or passphrases (prefer PALISADE_AUDIT_VIEWER_KEY)." };
        var deviceCredential = new Option<string?>("--device-credential") { Description = "user:password of a CWMP credential (the bootstrap credential) to inform with as a CPE for the SSRF check (prefer PALISADE_AUDIT_DEVICE_CREDENTIAL)." };
        var destructive = new Option<bool>("--destructive-checks") { Description = "Also run checks that change the server's state: wrong passwords for --login-user, which may lock that account for a while." };
        var loginUser = new Option<string>("--login-user") { Description = "The account the lockout check uses (default admin).", DefaultValueFactory = _ => "admin" };
        var loginPassword = new Option<string?>("--login-password") { Description = "Its real password (prefer PALISADE_AUDIT_LOGIN_PASSWORD)." };
        var command = new Command("audit", """
            Probe one ACS or CPE connection-request endpoint for the weaknesses found in real TR-069 deployments:
            plaintext HTTP, old TLS versions and weak ciphers, bad certificates, CWMP without authentication, Basic over
            plaintext, Digest without qop or accepting replays, sessions without an Inform, XML DTDs and external
            entities, oversize bodies, verbose banners and stack traces; for CPEs also missing rate limiting.
            Against a deployed ACS also: the API answering on the CWMP port or on the address CPEs use; with
            --device-credential and --api-key, connection requests a CPE can aim at loopback or the metadata address
            (run it on the ACS's host: it informs as a CPE PALAUDIT… and listens on 127.0.0.1); with --viewer-key,
            secrets readable by viewers; with --destructive-checks and --login-password, whether wrong passwords
            from a stranger lock the account.
            It only probes the target it is given, with a bounded number of requests (about 40), each bounded in size
            (8 MiB at most) and time (5 s); the XML probes use a harmless canary entity and never read a file.
            """)
        {
            target, kind, ca, json, failOn, user, password, apiUrl, apiKey, viewerKey, deviceCredential, destructive, loginUser, loginPassword,
        };
        command.SetAction(async (r, ct) =>
        {
            if (!Uri.TryCreate(r.GetValue(target), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                AnsiConsole.MarkupLine("[red]palisade audit: the target must be an absolute http:// or https:// URL.[/]");
                return 2;
            }

            var credential = r.GetValue(deviceCredential) ?? Environment.GetEnvironmentVariable("PALISADE_AUDIT_DEVICE_CREDENTIAL");
            var colon = credential?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (credential is not null && colon <= 0)
            {
                AnsiConsole.MarkupLine("[red]palisade audit: --device-credential is user:password.[/]");
                return 2;
            }

            Uri? api = null;
            if (r.GetValue(apiUrl) is { } apiText && (!Uri.TryCreate(apiText, UriKind.Absolute, out api) || api.Scheme is not ("http" or "https")))
            {
                AnsiConsole.MarkupLine("[red]palisade audit: --api-url must be an absolute http:// or https:// URL.[/]");
                return 2;
            }

            var options = new AuditOptions
            {
                ApiUrl = api,
                ApiKey = r.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("PALISADE_AUDIT_API_KEY"),
                ViewerKey = r.GetValue(viewerKey) ?? Environment.GetEnvironmentVariable("PALISADE_AUDIT_VIEWER_KEY"),
                DeviceUsername = credential?[..colon],
                DevicePassword = credential?[(colon + 1)..],
                DestructiveChecks = r.GetValue(destructive),
                LoginUser = r.GetValue(loginUser) ?? "admin",
                LoginPassword = r.GetValue(loginPassword) ?? Environment.GetEnvironmentVariable("PALISADE_AUDIT_LOGIN_PASSWORD"),
                Target = url,
                Kind = r.GetValue(kind) == "cpe" ? "cpe" : "acs",
                Username = r.GetValue(user),
                Password = r.GetValue(password) ?? Environment.GetEnvironmentVariable("PALISADE_AUDIT_PASSWORD"),
            };
            foreach (var file in r.GetValue(ca) ?? [])
            {
                options.TrustedCas.ImportFromPemFile(file);
            }

            var findings = await Auditor.RunAsync(options, ct);
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(findings.ToList(), FindingJson.Default.ListFinding));
            }
            else
            {
                var table = new Table().AddColumns("severity", "finding", "evidence", "remedy");
                foreach (var f in findings)
                {
                    var color = f.Severity switch { Severity.Critical or Severity.High => "red", Severity.Medium => "yellow", _ => "grey" };
                    table.AddRow($"[{color}]{f.Severity.ToString().ToLowerInvariant()}[/]", Markup.Escape(f.Title), Markup.Escape(f.Evidence), Markup.Escape(f.Remedy));
                }

                AnsiConsole.Write(table);
                AnsiConsole.MarkupLineInterpolated($"{findings.Count} findings for {url}");
            }

            return findings.Any(f => f.Severity >= r.GetValue(failOn)) ? 1 : 0;
        });
        return command;
    }
}
