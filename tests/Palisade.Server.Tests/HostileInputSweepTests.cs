using System.Text;
using System.Text.Json.Nodes;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// Every input from the network is hostile. These sweeps send each API route's valid body with one value at a time
/// replaced by a hostile one (wrong type, null, huge, control characters, deep nesting), each query field hostile
/// values, and garbage credentials to every listener. Whatever the server answers, it is never a 5xx: a refusal is a
/// 4xx that says what was wrong, and no request makes the server log an unhandled exception.
/// </summary>
public sealed class HostileInputSweepTests : IAsyncLifetime
{
    // Valid bodies, one per writing route: the sweep replaces one value of each at a time.
    private static readonly (HttpMethod Method, string Path, string Body)[] Writes =
    [
        (HttpMethod.Post, "api/v1/devices/{device}/tasks", """{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.SSID","home","xsd:string"]]}"""),
        (HttpMethod.Post, "api/v1/devices/{device}/tasks", """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo."]}"""),
        (HttpMethod.Post, "api/v1/devices/{device}/tasks", """{"name":"download","fileType":"1 Firmware Upgrade Image","fileName":"fw.bin"}"""),
        (HttpMethod.Post, "api/v1/devices/{device}/tasks", """{"name":"addObject","objectName":"Device.NAT.PortMapping.","parameterValues":[["Enable",true,"xsd:boolean"]]}"""),
        (HttpMethod.Post, "api/v1/tasks?filter=DeviceID.SerialNumber%20%3D%20%22SWEEP1%22", """{"name":"reboot"}"""),
        (HttpMethod.Put, "api/v1/presets/sweep", """{"weight":10,"channel":"wifi","events":{"0 BOOTSTRAP":true},"precondition":"DeviceID.ProductClass = \"HGW\"","schedule":"","configurations":[{"type":"provision","name":"wifi","args":["guest",42]},{"type":"value","name":"Device.WiFi.SSID.1.SSID","value":"home"}]}"""),
        (HttpMethod.Put, "api/v1/provisions/sweep", """{"script":"declare('Device.WiFi.SSID.1.SSID', null, {value: 'home'});"}"""),
        (HttpMethod.Put, "api/v1/virtual-parameters/sweep", """{"script":"return {writable: false, value: ['192.0.2.1', 'xsd:string']};"}"""),
        (HttpMethod.Post, "api/v1/campaigns", """{"name":"c","file":"fw.bin","start":false,"stages":[{"count":2,"soakMinutes":30},{"percent":100}],"maxConcurrency":5,"returnWithinMinutes":20,"window":{"start":"01:00","end":"05:00"},"halt":{"maxFailures":1,"percent":5}}"""),
        (HttpMethod.Post, "api/v1/keys", """{"name":"k","role":"viewer","expiresInDays":30,"filter":"Tags.x IS NOT NULL"}"""),
        (HttpMethod.Post, "api/v1/users", """{"name":"u","role":"viewer"}"""),
        (HttpMethod.Post, "api/v1/login", """{"username":"nobody","password":"guess"}"""),
        (HttpMethod.Post, "api/v1/devices/{device}/readmit", """{}"""),
    ];

    // What a hostile client puts where a value belongs.
    private static readonly string[] HostileValues =
    [
        "null", "1", "-1", "1.5", "1e308", "-9223372036854775809", "18446744073709551616", "true", "\"\"", "[]", "{}",
        "\"\\u0000\"", "\"\\ud800\"", "\"" + new string('x', 70_000) + "\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":1}}}}}}}}", "\"../../etc/passwd\"", "\"<script>alert(1)</script>\"",
        "\"' OR 1=1 --\"", "\"NaN\"", "\"-1\"",

        // JSON inside a string (a MongoDB-style precondition) that escapes half a surrogate pair.
        "\"{\\\"a\\\":\\\"\\\\ud800\\\"}\"",
    ];

    private static readonly string[] Reads =
    [
        "api/v1/devices", "api/v1/devices.csv", "api/v1/devices/{device}", "api/v1/devices/{device}/tasks", "api/v1/devices/{device}/events",
        "api/v1/devices/{device}/backups", "api/v1/faults", "api/v1/audit", "api/v1/audit/verify", "api/v1/presets", "api/v1/provisions",
        "api/v1/virtual-parameters", "api/v1/files", "api/v1/campaigns", "api/v1/keys", "api/v1/posture", "api/v1/stats",
    ];

    private static readonly string[] QueryFields =
        ["limit", "filter", "cursor", "after", "before", "sort", "projection", "device", "state", "subtree", "expect", "minFirmware", "timeout", "expires_in", "raw", "block"];

    private static readonly string[] QueryValues =
    [
        "-1", "0", "NaN", "99999999999999999999", "%00", "%FF%FE", "(", ")", "\"", "'", "a%3D", "DeviceID.ID%20%3D", "%E2%80%AE",
        new string('A', 8000), "AAAAAAAAAAAAAAAAAAAAAAB", "!!!!", "%2E%2E%2F", "Device.%2A", "1e9", "-", "%20",
    ];

    private const string Marker = "__palisade_sweep__";

    private TestServer _server = null!;
    private HttpClient _http = null!;
    private string _admin = null!;
    private string _device = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        using var api = new ApiClient(_server);
        _admin = await api.KeyAsync("admin");
        using var cpe = TestCpe.Bootstrap(_server, "SWEEP1");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
        _device = Uri.EscapeDataString(cpe.DeviceId);
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, insecure: false),
        })
        { BaseAddress = new Uri(_server.Host.Facts.ApiUrl! + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task No_hostile_body_value_makes_an_api_route_answer_5xx()
    {
        var failures = new List<string>();
        var sent = 0;
        foreach (var (method, path, body) in Writes)
        {
            foreach (var mutated in Mutations(body))
            {
                sent++;
                var (status, text) = await SendAsync(method, path, mutated);
                if (status >= 500)
                {
                    failures.Add($"{method} {path} {Shorten(mutated)} -> {status} {Shorten(text)}");
                }
            }
        }

        Assert.True(sent > 500, $"only {sent} requests were sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests got a 5xx:\n" + string.Join('\n', failures.Take(40)) + "\nFirst error logged: " + FirstError());
        AssertNoUnhandledExceptions();
    }

    [Fact]
    public async Task No_hostile_query_value_makes_an_api_route_answer_5xx()
    {
        var failures = new List<string>();
        var sent = 0;
        foreach (var path in Reads)
        {
            foreach (var field in QueryFields)
            {
                foreach (var value in QueryValues)
                {
                    sent++;
                    var (status, text) = await SendAsync(HttpMethod.Get, path + "?" + field + "=" + value, null);
                    if (status >= 500)
                    {
                        failures.Add($"GET {path}?{field}={Shorten(value)} -> {status} {Shorten(text)}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests got a 5xx:\n" + string.Join('\n', failures.Take(40)) + "\nFirst error logged: " + FirstError());
        AssertNoUnhandledExceptions();
    }

    [Fact]
    public async Task Garbage_credentials_get_a_4xx_on_every_listener()
    {
        string[] authorizations =
        [
            "Bearer", "Bearer ", "Bearer !!!!", "Bearer " + new string('a', 6000), "Basic", "Basic !!!!", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("no-colon")),
            "Basic " + Convert.ToBase64String([0xFF, 0xFE, 0x3A, 0x00]), "Digest", "Digest username=", "Digest username=\"a\", nonce=\"" + new string('!', 48) + "\", response=\"x\"",
            "Digest username=\"a\", realm=\"palisade\", nonce=\"" + new string('A', 47) + "B\", uri=\"/\", response=\"00\", qop=auth, nc=zz, cnonce=\"\"",
            "Negotiate abc", "\u00e9\u00e9", "Digest username=\"" + new string('a', 9000) + "\"",
        ];
        string[] cookies = ["a=b", ".palisade.session=!!!!", "palisade=" + new string('x', 4000), "%FF=%FE"];
        var cwmp = _server.Url.ToString();
        var targets = new List<(HttpMethod Method, string Url, string? Body)>
        {
            (HttpMethod.Post, cwmp, "<x/>"),
            (HttpMethod.Post, cwmp, string.Empty),
            (HttpMethod.Get, _server.Host.Facts.ApiUrl + "/api/v1/devices", null),
            (HttpMethod.Post, _server.Host.Facts.ApiUrl + "/api/v1/keys", "{}"),
            (HttpMethod.Get, _server.Host.Facts.ApiUrl + "/metrics", null),
            (HttpMethod.Get, _server.Host.Facts.ApiUrl + "/", null),
            (HttpMethod.Get, _server.Host.Facts.ApiUrl + "/devices?filter=%28", null),
        };
        if (_server.Host.Files?.Urls?.Https is { } files)
        {
            targets.Add((HttpMethod.Get, files + "d/" + new string('A', 38) + "B", null));
            targets.Add((HttpMethod.Put, files + "u/" + new string('A', 39), "x"));
        }

        var failures = new List<string>();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, insecure: false),
            AllowAutoRedirect = false,
            UseCookies = false,
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        });
        foreach (var (method, url, body) in targets)
        {
            foreach (var header in authorizations.Select(a => ("Authorization", a)).Concat(cookies.Select(c => ("Cookie", c))))
            {
                using var request = new HttpRequestMessage(method, url);
                request.Headers.TryAddWithoutValidation(header.Item1, header.Item2);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "text/xml");
                }

                using var response = await http.SendAsync(request);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{method} {url} {header.Item1}: {Shorten(header.Item2)} -> {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        AssertNoUnhandledExceptions();
    }

    // The valid body itself, then each value (every property and array element, at any depth) replaced in turn by
    // each hostile value, then a few bodies that are not the route's shape or not JSON at all.
    private static IEnumerable<string> Mutations(string body)
    {
        yield return body;
        var count = Descendants(JsonNode.Parse(body)!).Count();
        for (var k = 0; k < count; k++)
        {
            foreach (var hostile in HostileValues)
            {
                // Through a marker, so that values a client-side parser refuses (a lone surrogate) still go out as text.
                var copy = JsonNode.Parse(body)!;
                Descendants(copy).ElementAt(k).ReplaceWith(JsonValue.Create(Marker));
                yield return copy.ToJsonString().Replace("\"" + Marker + "\"", hostile, StringComparison.Ordinal);
            }
        }

        foreach (var hostile in new[] { "null", "[]", "1", "\"x\"", "{", "[1,", "{\"name\":\"reboot\",\"name\":\"reboot\"}", string.Empty })
        {
            yield return hostile;
        }
    }

    // Every value below the node, depth first, in document order.
    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            yield return child;
            foreach (var below in Descendants(child))
            {
                yield return below;
            }
        }
    }

    private async Task<(int Status, string Text)> SendAsync(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path.Replace("{device}", _device, StringComparison.Ordinal));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _admin);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private string FirstError() =>
        Shorten(_server.Logs.Lines.FirstOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal)) ?? "none", 3000);

    private void AssertNoUnhandledExceptions()
    {
        var unhandled = _server.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(unhandled.Count == 0, string.Join('\n', unhandled.Take(5).Select(l => Shorten(l, 600))));
    }

    private static string Shorten(string text, int length = 160) => text.Length <= length ? text : text[..length] + $"…({text.Length})";
}
