using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Palisade.Commands;

/// <summary>
/// <c>palisade devices …</c> and <c>palisade task …</c>: the common work over the API. The server URL, key and CA
/// come from options or PALISADE_URL, PALISADE_API_KEY and PALISADE_CA.
/// </summary>
internal static class ApiClientCommands
{
    internal static readonly Option<string?> Url = new("--url") { Description = "API base URL, e.g. https://127.0.0.1:7557 (env PALISADE_URL)." };
    internal static readonly Option<string?> Key = new("--key") { Description = "API key (env PALISADE_API_KEY; prefer the environment: command lines are visible to other users)." };
    internal static readonly Option<string?> Ca = new("--ca") { Description = "CA certificate (PEM) the API certificate chains to, e.g. palisade-data/pki/ca.crt (env PALISADE_CA)." };

    public static Command Devices()
    {
        var filter = new Option<string?>("--filter") { Description = "Device filter, e.g. 'Device.DeviceInfo.SoftwareVersion = \"2.1\" AND tag = \"beta\"'." };
        var limit = new Option<int>("--limit") { Description = "How many (default 50).", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "Search devices.") { filter, limit, Url, Key, Ca };
        list.SetAction(async (r, ct) => await CallAsync(r, HttpMethod.Get, $"api/v1/devices?limit={r.GetValue(limit)}" + (r.GetValue(filter) is { } f ? "&filter=" + Uri.EscapeDataString(f) : string.Empty), null, body =>
        {
            var table = new Table().AddColumns("id", "software", "last inform", "online");
            foreach (var d in body["devices"]!.AsArray())
            {
                table.AddRow(Markup.Escape(d!["id"]!.ToString()), Markup.Escape(d["softwareVersion"]?.ToString() ?? "-"), Markup.Escape(d["lastInform"]?.ToString() ?? "-"), d["online"]!.ToString());
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"{body["total"]} matching");
        }, ct));

        var id = new Argument<string>("id") { Description = "The device id (OUI-ProductClass-SerialNumber)." };
        var subtree = new Option<string?>("--subtree") { Description = "Only parameters under this path." };
        var show = new Command("show", "One device with its cached parameters.") { id, subtree, Url, Key, Ca };
        show.SetAction(async (r, ct) => await CallAsync(r, HttpMethod.Get, $"api/v1/devices/{Uri.EscapeDataString(r.GetValue(id)!)}" + (r.GetValue(subtree) is { } s ? "?subtree=" + Uri.EscapeDataString(s) : string.Empty), null,
            body => Console.WriteLine(body.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })), ct));
        var file = new Argument<string>("file") { Description = $"CSV with the header {Palisade.Acs.FactoryCredentials.FactoryCredentialFile.Header}." };
        var import = new Command("import", "Register devices that left the factory with their own credentials (all or nothing; rotate=false: never rotated).") { file, Url, Key, Ca };
        import.SetAction(async (r, ct) =>
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(r.GetValue(file)!, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade devices import: {e.Message}[/]");
                return 2;
            }

            return await CallAsync(r, HttpMethod.Post, "api/v1/devices/import", text,
                result => AnsiConsole.MarkupLineInterpolated($"Imported {result["imported"]} devices ({result["neverRotated"]} never rotated, {result["rotating"]} rotated at their first session)."), ct, "text/csv");
        });
        return new Command("devices", "Search, show and import devices through the API.") { list, show, import };
    }

    public static Command Task()
    {
        var id = new Argument<string>("id") { Description = "The device id." };
        var name = new Argument<string>("task") { Description = "reboot, factoryReset, refresh (getParameterNames of the whole tree), a diagnostic (ping HOST, traceroute HOST, nslookup NAME [DNS-SERVER], udpecho HOST PORT, download-diagnostics URL, upload-diagnostics URL BYTES: sent now, waited for and printed), or a task JSON object." };
        var arguments = new Argument<string[]>("arguments") { Description = "The diagnostic's arguments.", Arity = ArgumentArity.ZeroOrMore };
        var now = new Option<bool>("--now") { Description = "Send a connection request so the device runs it now, and wait for the result." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait with --now (default 30).", DefaultValueFactory = _ => 30 };
        var command = new Command("task", "Queue a task on a device, e.g. 'palisade task ID reboot --now' or 'palisade task ID ping 192.0.2.1'.") { id, name, arguments, now, timeout, Url, Key, Ca };
        command.SetAction(async (r, ct) =>
        {
            var task = r.GetValue(name)!;
            var values = r.GetValue(arguments) ?? [];
            var diagnostic = Diagnostic(task, values);
            if (diagnostic is null && values.Length > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]palisade task: '{task}' takes no arguments.[/]");
                return 2;
            }

            var body = diagnostic?.ToJsonString() ?? (task.TrimStart().StartsWith('{') ? task : task switch
            {
                "refresh" => """{"name":"getParameterNames","parameterPath":"","nextLevel":false}""",
                _ => new JsonObject { ["name"] = task }.ToJsonString(),
            });

            // A diagnostic is waited for: the device runs it after the session and reports in the next one.
            var query = r.GetValue(now) || diagnostic is not null ? $"?connection_request=true&timeout={r.GetValue(timeout)}" : string.Empty;
            return await CallAsync(r, HttpMethod.Post, $"api/v1/devices/{Uri.EscapeDataString(r.GetValue(id)!)}/tasks{query}", body,
                result => Console.WriteLine(result.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })), ct);
        });
        return command;
    }

    // The diagnostics by their everyday names; null for anything else (or the wrong number of arguments).
    private static JsonObject? Diagnostic(string task, string[] a) => (task, a.Length) switch
    {
        ("ping", 1) => new JsonObject { ["name"] = "ipPing", ["host"] = a[0] },
        ("traceroute", 1) => new JsonObject { ["name"] = "traceRoute", ["host"] = a[0] },
        ("nslookup", 1) => new JsonObject { ["name"] = "nsLookup", ["hostName"] = a[0] },
        ("nslookup", 2) => new JsonObject { ["name"] = "nsLookup", ["hostName"] = a[0], ["dnsServer"] = a[1] },
        ("udpecho", 2) when uint.TryParse(a[1], out var port) => new JsonObject { ["name"] = "udpEcho", ["host"] = a[0], ["port"] = port },
        ("download-diagnostics", 1) => new JsonObject { ["name"] = "downloadDiagnostics", ["downloadURL"] = a[0] },
        ("upload-diagnostics", 2) when uint.TryParse(a[1], out var bytes) => new JsonObject { ["name"] = "uploadDiagnostics", ["uploadURL"] = a[0], ["testFileLength"] = bytes },
        _ => null,
    };

    /// <summary>Calls the API with the URL, key and CA of the command line or the environment; prints the answer or the problem.</summary>
    internal static async Task<int> CallAsync(ParseResult r, HttpMethod method, string path, string? body, Action<JsonNode> print, CancellationToken ct, string contentType = "application/json", Action<HttpRequestMessage>? prepare = null)
    {
        var url = r.GetValue(Url) ?? Environment.GetEnvironmentVariable("PALISADE_URL");
        var key = r.GetValue(Key) ?? Environment.GetEnvironmentVariable("PALISADE_API_KEY");
        var ca = r.GetValue(Ca) ?? Environment.GetEnvironmentVariable("PALISADE_CA");
        if (url is null || key is null)
        {
            AnsiConsole.MarkupLine("[red]Set the API URL and key: --url/--key or PALISADE_URL/PALISADE_API_KEY (mint a key with 'palisade keys create').[/]");
            return 2;
        }

        var anchors = new X509Certificate2Collection();
        if (ca is not null)
        {
            anchors.ImportFromPemFile(ca);
        }

        using var handler = new SocketsHttpHandler
        {
            SslOptions = Palisade.Security.Pki.Certificates.ServerAuthentication(anchors, insecure: false),
        };
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(url.TrimEnd('/') + "/") };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        prepare?.Invoke(request);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var node = text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null;
            if (!response.IsSuccessStatusCode)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{(int)response.StatusCode} {node?["title"]}: {node?["detail"]}[/]");
                return 1;
            }

            if (node is not null)
            {
                print(node);
            }

            return 0;
        }
        catch (HttpRequestException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Cannot reach {url}: {e.Message}[/]");
            return 1;
        }
    }
}
