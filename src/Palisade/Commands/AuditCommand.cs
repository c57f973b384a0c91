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
        var command = new Command("audit", """
            Probe one ACS or CPE connection-request endpoint for the weaknesses found in real TR-069 deployments:
            plaintext HTTP, old TLS versions and weak ciphers, bad certificates, CWMP without authentication, Basic over
            plaintext, Digest without qop or accepting replays, sessions without an Inform, XML DTDs and external
            entities, oversize bodies, verbose banners and stack traces; for CPEs also missing rate limiting.
            It only probes the target it is given, with a bounded number of requests (about 40), each bounded in size
            (8 MiB at most) and time (5 s); the XML probes use a harmless canary entity and never read a file.
            """)
        {
            target, kind, ca, json, failOn, user, password,
        };
        command.SetAction(async (r, ct) =>
        {
            if (!Uri.TryCreate(r.GetValue(target), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                AnsiConsole.MarkupLine("[red]palisade audit: the target must be an absolute http:// or https:// URL.[/]");
                return 2;
            }

            var options = new AuditOptions
            {
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
