using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Palisade.Acs.Access;
using Palisade.Acs.Storage;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// The hostile-input sweep for the browser console. A client signs in as a browser does (the sign-in form with its
/// antiforgery token, then the session cookie) and posts every form of every page: first as the page fills it, then
/// with one field at a time replaced by a hostile value or left out; it also sends hostile values in every search
/// form's query and in the route values. Whatever a form answers, it is never a 5xx, the server logs no unhandled
/// exception, the session lasts through the sweep, and no page shows hostile markup unencoded.
/// </summary>
public sealed partial class ConsoleFormSweepTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";

    // Markup that would run, or break out of an attribute, if a page wrote it as it came.
    private static readonly string[] Markup = ["<script>sweep()</script>", "\"><b id=sweep>", "'><img src=x onerror=sweep()>"];

    // What a hostile client puts where a value belongs, as the bytes that go on the wire (percent-encoded in a query or
    // a urlencoded form): text, then bytes that are not UTF-8 (half a surrogate pair, a cut sequence, an overlong NUL).
    private static readonly byte[][] Hostile =
    [
        .. new[]
        {
            "", " ", "\0", "a\0b", "\u0001\u001b[31m\r\n\t", "\u202e\u200b\ufeff", "../../etc/passwd", "Device.", "Device.*", "%00", "(", "\"", "id = \"x\" OR",
            "-1", "0", "1.5", "-9223372036854775809", "99999999999999999999", "NaN", "Infinity", "-Infinity", "1e308", "0x10", "true",
            "{\"a\":\"\\ud800\"}", "\"\\ud800\"", "\\ud800", "{\"__proto__\":{}}", "[1,", new string('x', 100_000), new string('é', 50_000),
        }.Concat(Markup).Select(Encoding.UTF8.GetBytes),
        [0xED, 0xA0, 0x80], [0xF0, 0x9F], [0xFF, 0xFE], [0xC0, 0x80],
    ];

    // The listener's bounds (ListenerLimits, ApiLimits): a request past them may be cut off before it is all sent,
    // which the client sees as a dropped connection instead of the 413/414 the server answered.
    private const int MaxRequestLine = 8 * 1024;
    private const int MaxBody = 1024 * 1024;

    private readonly CookieContainer _cookies = new();
    private TestServer _server = null!;
    private HttpClient _http = null!;
    private string _token = null!;
    private string _device = null!;
    private long _task;
    private string _campaign = null!;

    public async Task InitializeAsync()
    {
        // The API's request rate (per address, which the console shares) is lifted: a refusal for the rate would tell
        // nothing about the form.
        _server = await TestServer.StartAsync(o => o.Api.RequestsPerMinute = 1_000_000);
        await _server.Host.Store.CreateUserAsync(new UserRecord("sweeper", Roles.Admin, PasswordHasher.Hash(Password), 0, null, DateTimeOffset.UtcNow), CancellationToken.None);
        using (var cpe = TestCpe.Bootstrap(_server, "CONSOLE1"))
        {
            await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
            _device = cpe.DeviceId;
        }

        _task = (await _server.Host.Store.AddTaskAsync(new Acs.Devices.DeviceId("00D09E", "HGW", "CONSOLE1"), new NewTask("reboot", """{"name":"reboot"}""", DateTimeOffset.UtcNow, null), CancellationToken.None)).Id;
        _http = new HttpClient(Handler(stranger: false))
        { BaseAddress = new Uri(_server.Host.Facts.ApiUrl!.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };

        // Signed in through the form, as a browser: the token from the page, the session cookie from the answer.
        var signIn = await PostAsync("/", [("username", "sweeper"), ("password", Password), ("return", "/devices")], await TokenAsync("/"));
        Assert.Equal("/devices", signIn.At);
        _token = await TokenAsync("/account");

        // A firmware file and a draft campaign on it, through their forms, for the forms that need them.
        Assert.Equal("/files", (await PostAsync("/files?handler=Upload", [.. Upload()], _token)).At);
        _campaign = (await PostAsync("/campaigns?handler=Create", [.. Campaign()], _token)).At!;
        Assert.Matches("^/campaigns/[0-9]+$", _campaign);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task No_hostile_field_of_a_console_form_gets_a_5xx_or_is_shown_unencoded()
    {
        var failures = new List<string>();
        var sent = 0;
        foreach (var (path, fields) in Forms())
        {
            var valid = await PostAsync(path, fields, _token);
            sent++;
            Check(failures, "POST " + path + " (as filled)", valid);
            Assert.False(valid.Status == 400 && valid.Page.Length == 0, $"POST {path}: the form as filled was refused (antiforgery?): the sweep would test nothing");
            for (var k = 0; k < fields.Length; k++)
            {
                foreach (var value in Hostile.Append(Encoding.UTF8.GetBytes(new string('x', 2_000_000))))
                {
                    // (Wrong current passwords on /account are throttled as sign-ins are: 429 is that refusal.)
                    var mutated = fields.Select((f, i) => i == k ? (f.Name, (object)value) : (f.Name, f.Value)).ToArray();
                    sent++;
                    Check(failures, $"POST {path} {fields[k].Name}={Shorten(value)}", await PostAsync(path, mutated, _token), throttled: path.StartsWith("/account", StringComparison.Ordinal));
                }

                sent++;
                Check(failures, $"POST {path} without {fields[k].Name}", await PostAsync(path, [.. fields.Where((_, i) => i != k)], _token), throttled: path.StartsWith("/account", StringComparison.Ordinal));
            }
        }

        Assert.True(sent > 1500, $"only {sent} requests were sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests failed:\n" + string.Join('\n', failures.Take(40)) + "\nFirst error logged: " + FirstError());
        await AssertStillSignedInAsync();
        AssertNoUnhandledExceptions();
    }

    [Fact]
    public async Task No_hostile_search_field_or_route_value_of_the_console_gets_a_5xx_or_is_shown_unencoded()
    {
        var device = "/devices/" + Uri.EscapeDataString(_device);
        (string Path, string[] Fields)[] searches =
        [
            ("/devices", ["filter", "sort", "cursor", "limit", "columns", "parameters"]), ("/devices?handler=Csv", ["filter", "parameters"]),
            (device, ["path", "q"]), (device + "?handler=Tasks", ["path"]), ("/posture", ["minFirmware"]), ("/admin/audit", ["before", "expect"]),
            ("/admin/audit?handler=Verify", ["expect"]), ("/files", ["after", "delete"]), ("/campaigns", ["before", "Form.Name", "Form.Filter", "Form.Stages", "Form.SoakMinutes", "Form.MaxConcurrency", "Form.Start"]),
            ("/campaigns?handler=List", ["before"]), (_campaign, ["abort"]), (_campaign + "?handler=Progress", ["abort"]),
            ("/provisioning?handler=New", ["kind", "name"]), ("/overview?handler=Counts", ["x"]), ("/", ["return"]),
        ];
        var failures = new List<string>();
        var sent = 0;
        foreach (var (path, fields) in searches)
        {
            foreach (var field in fields)
            {
                foreach (var value in Hostile)
                {
                    var url = path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + field + "=" + Percent(value);
                    sent++;
                    Check(failures, $"GET {path} {field}={Shorten(value)}", await SendAsync(_http, url, null, null, null));
                }
            }
        }

        // Route values: a device's id, a script's kind and name.
        foreach (var value in Hostile)
        {
            foreach (var path in new[] { "/devices/" + Percent(value), "/provisioning/provision/" + Percent(value), "/provisioning/" + Percent(value) + "/sweep" })
            {
                sent++;
                Check(failures, $"GET {path[..Math.Min(path.Length, 60)]}", await SendAsync(_http, path, null, null, null));
                foreach (var handler in path.StartsWith("/devices/", StringComparison.Ordinal) ? ["Tag", "Reboot"] : new[] { "Check", "Save", "Delete" })
                {
                    sent++;
                    Check(failures, $"POST {path[..Math.Min(path.Length, 60)]} {handler}", await PostAsync(path + "?handler=" + handler,
                        [("tag", "sweep"), ("remove", "false"), ("body", "// a script"), ("device", _device)], _token));
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests failed:\n" + string.Join('\n', failures.Take(40)) + "\nFirst error logged: " + FirstError());
        await AssertStillSignedInAsync();
        AssertNoUnhandledExceptions();
    }

    [Fact]
    public async Task The_sign_in_form_refuses_hostile_fields_with_a_4xx_and_sends_a_user_only_to_a_local_page()
    {
        // A stranger's client: no session, the antiforgery cookie of the sign-in page sent by hand, redirects not followed.
        using var stranger = new HttpClient(Handler(stranger: true))
        { BaseAddress = _http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var form = await stranger.GetAsync("/");
        var cookie = string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var token = CsrfField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        var failures = new List<string>();

        // Signed in, a user goes where 'return' says only when it is a page of this console. (A form with a NUL anywhere
        // is refused whole, 400, by ASP.NET Core before the page sees it: no redirect at all, which is as good.)
        foreach (var value in Hostile.Concat(new[] { "//evil.example/", "/\\evil.example", "https://evil.example/", "/%09/evil.example", "javascript:alert(1)" }.Select(Encoding.UTF8.GetBytes)))
        {
            var answer = await SendAsync(stranger, "/", [("username", "sweeper"), ("password", Password), ("return", value)], token, cookie);
            Check(failures, "sign-in return=" + Shorten(value), answer);
            var location = answer.Location ?? string.Empty;
            var refused = answer.Status is >= 400 and < 500 && value.Contains((byte)0);
            if (!refused && (answer.Status != 302 || !location.StartsWith('/') || location.StartsWith("//", StringComparison.Ordinal) || location.StartsWith("/\\", StringComparison.Ordinal)))
            {
                failures.Add($"sign-in return={Shorten(value)} -> {answer.Status} to '{location}': {Said(answer.Page)}");
            }
        }

        foreach (var field in new[] { "username", "password" })
        {
            foreach (var value in Hostile)
            {
                var fields = new (string, object)[] { ("username", "sweeper"), ("password", "wrong password"), ("return", "/devices") };
                fields[field == "username" ? 0 : 1].Item2 = value;
                var answer = await SendAsync(stranger, "/", fields, token, cookie);
                Check(failures, $"sign-in {field}={Shorten(value)}", answer, throttled: true);
                if (answer.Status is < 400 or >= 500)
                {
                    failures.Add($"sign-in {field}={Shorten(value)} -> {answer.Status}, not a refusal");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)) + "\nFirst error logged: " + FirstError());
        AssertNoUnhandledExceptions();
    }

    // Every form of the console with the fields its page fills in, in an order where each finds what it needs.
    private IEnumerable<(string Path, (string Name, object Value)[] Fields)> Forms()
    {
        var device = "/devices/" + Uri.EscapeDataString(_device);
        var task = _task.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (string, object)[] Bulk(string kind) => [("filter", "serialNumber = \"CONSOLE1\""), ("kind", kind), ("tag", "bulk"), ("remove", "false"), ("task", "refreshObject"), ("path", "Device.WiFi."), ("byFilter", "false"), ("selected", _device)];
        yield return ("/files?handler=Upload", [.. Upload()]);
        yield return ("/files?handler=Delete", [("name", "no-such-file.bin")]);
        yield return ("/campaigns?handler=Review", [.. Campaign()]);
        yield return ("/campaigns?handler=Create", [.. Campaign()]);
        foreach (var action in new[] { "Pause", "Resume", "Retry", "Abort" })
        {
            yield return (_campaign + "?handler=" + action, []);
        }

        yield return ("/devices?handler=SaveSearch&filter=tag%20%3D%20%22x%22", [("searchName", "sweep")]);
        yield return ("/devices?handler=DeleteSearch", [("searchName", "sweep")]);
        foreach (var kind in new[] { "tag", "task", "campaign" })
        {
            yield return ("/devices?handler=Confirm", Bulk(kind));
            yield return ("/devices?handler=Apply", Bulk(kind));
        }

        yield return (device + "?handler=Set", [("path", "Device.DeviceInfo."), ("name", "Device.DeviceInfo.ProvisioningCode"), ("type", "string"), ("value", "x")]);
        yield return (device + "?handler=Refresh", [("path", "Device.DeviceInfo."), ("name", "Device.DeviceInfo.")]);
        yield return (device + "?handler=AddObject", [("path", "Device.NAT.PortMapping."), ("name", "Device.NAT.PortMapping.")]);
        yield return (device + "?handler=DeleteObject", [("path", "Device.NAT.PortMapping.1."), ("name", "Device.NAT.PortMapping.1.")]);
        yield return (device + "?handler=Tag", [("tag", "sweep"), ("remove", "false")]);
        foreach (var action in new[] { "Retry", "Cancel", "ClearFault" })
        {
            yield return (device + "?handler=" + action, [("task", task)]);
        }

        yield return (device + "?handler=ClearChannel", [("channel", "wifi")]);
        foreach (var action in new[] { "Reboot", "FactoryReset", "MoveToHttps", "Connect" })
        {
            yield return (device + "?handler=" + action, []);
        }

        yield return ("/posture?handler=Confirm", [("item", "plaintext-cwmp"), ("minFirmware", "2.0")]);
        yield return ("/posture?handler=Apply", [("item", "plaintext-cwmp"), ("minFirmware", "2.0")]);
        yield return ("/admin/users?handler=CreateUser", [("name", "sweep-user"), ("role", "viewer")]);
        yield return ("/admin/users?handler=CreateKey", [("name", "sweep-key"), ("role", "viewer"), ("deviceFilter", "tag = \"x\""), ("expiresInDays", "30")]);
        yield return ("/admin/users?handler=Revoke", [("key", "no-such-key")]);
        foreach (var (kind, body) in new[]
        {
            ("preset", """{"weight":1,"precondition":"DeviceID.ProductClass = \"HGW\"","configurations":[{"type":"value","name":"Device.WiFi.SSID.1.SSID","value":"home"}]}"""),
            ("provision", "declare('Device.WiFi.SSID.1.SSID', null, {value: 'home'});"),
            ("vparam", "return {writable: false, value: ['192.0.2.1', 'xsd:string']};"),
        })
        {
            foreach (var action in new[] { "Check", "DryRun", "Save", "Delete" })
            {
                yield return ($"/provisioning/{kind}/sweep?handler={action}", [("body", body), ("device", _device)]);
            }
        }

        yield return ("/account?handler=Password", [("current", Password), ("next", "another long password"), ("confirm", "another long password")]);
    }

    private static IEnumerable<(string, object)> Upload() =>
        [("name", "sweep-fw.bin"), ("fileType", "1 Firmware Upgrade Image"), ("version", "2.0"), ("oui", "00D09E"), ("productClass", "HGW"), ("modelName", ""), ("content", new byte[] { 1, 2, 3 })];

    private static IEnumerable<(string, object)> Campaign() =>
    [
        ("Form.Name", "sweep"), ("Form.File", "sweep-fw.bin"), ("Form.Filter", ""), ("Form.Stages", "1%, 100%"), ("Form.SoakMinutes", "30"), ("Form.WindowStart", "1"),
        ("Form.WindowEnd", "5"), ("Form.MaxConcurrency", "5"), ("Form.ReturnWithinMinutes", "20"), ("Form.MaxFailures", "1"), ("Form.MaxFailurePercent", "5"), ("Form.Start", "false"),
    ];

    // No 5xx, the session still there (not sent back to the sign-in form), and no hostile markup as it came. A request
    // past the listener's bounds may see its connection cut instead of its 413/414; any other must get an answer.
    private static void Check(List<string> failures, string what, Answer answer, bool throttled = false)
    {
        if (answer.Status == 429 && !throttled)
        {
            failures.Add($"{what} -> 429: refused for its rate, so not tested");
        }

        if (answer.Status == 0 && !answer.Oversize)
        {
            failures.Add($"{what} -> no answer: {answer.Page}");
        }

        if (answer.Status >= 500)
        {
            failures.Add($"{what} -> {answer.Status} {Shorten(answer.Page)}");
        }

        if (answer.Status == 200 && answer.At == "/" && answer.Query?.StartsWith("?return=", StringComparison.Ordinal) == true)
        {
            failures.Add($"{what} -> {answer.Status}, signed out (sent to the sign-in form)");
        }

        if (answer.MediaType == "text/html" && Markup.FirstOrDefault(m => answer.Page.Contains(m, StringComparison.Ordinal)) is { } echoed)
        {
            failures.Add($"{what} -> the page shows {echoed} unencoded");
        }
    }

    // The signed-in browser keeps its cookies and follows redirects; the stranger does neither (the test sends its cookie).
    private SocketsHttpHandler Handler(bool stranger) => new()
    {
        SslOptions = Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, insecure: false),
        CookieContainer = _cookies,
        UseCookies = !stranger,
        AllowAutoRedirect = !stranger,
    };

    private Task<Answer> PostAsync(string path, (string Name, object Value)[] fields, string token) =>
        SendAsync(_http, path, fields, token, null);

    // A GET (no fields), or a form as a browser posts it: urlencoded, or multipart when it carries a file (a byte[] named content).
    private async Task<Answer> SendAsync(HttpClient http, string path, (string Name, object Value)[]? fields, string? token, string? cookie)
    {
        using var request = new HttpRequestMessage(fields is null ? HttpMethod.Get : HttpMethod.Post, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (fields is not null && path.Contains("handler=Upload", StringComparison.Ordinal))
        {
            var multipart = new MultipartFormDataContent { { new StringContent(token!), "__csrf" } };
            foreach (var (name, value) in fields)
            {
                var part = new ByteArrayContent(value as byte[] ?? Encoding.UTF8.GetBytes((string)value));
                if (name == "content")
                {
                    part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    multipart.Add(part, name, "sweep-fw.bin");
                }
                else
                {
                    multipart.Add(part, name);
                }
            }

            request.Content = multipart;
        }
        else if (fields is not null)
        {
            var body = string.Join('&', fields.Select(f => f.Name + "=" + Percent(f.Value as byte[] ?? Encoding.UTF8.GetBytes((string)f.Value))).Prepend("__csrf=" + Uri.EscapeDataString(token!)));
            request.Content = new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded");
        }

        // Such a request goes on a connection of its own: the server closes the one it cuts off, and a request that
        // followed on it would fail for that.
        var oversize = path.Length > MaxRequestLine || (fields?.Sum(f => f.Value is byte[] b ? b.Length * 3 : ((string)f.Value).Length) ?? 0) > MaxBody;
        using var alone = oversize ? new HttpClient(Handler(stranger: http != _http), disposeHandler: true) { BaseAddress = http.BaseAddress, Timeout = http.Timeout } : null;
        try
        {
            using var response = await (alone ?? http).SendAsync(request);
            var at = response.RequestMessage?.RequestUri;
            return new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync(), at?.AbsolutePath, at?.Query, response.Headers.Location?.OriginalString, response.Content.Headers.ContentType?.MediaType, oversize);
        }
        catch (HttpRequestException e)
        {
            return new Answer(0, e.Message + " " + e.InnerException?.Message, null, null, null, null, oversize);
        }
    }

    // What a page said to the user (its message), for a failure's text.
    private static string Said(string page) => Shorten(MessageText().Match(page).Groups[1].Value, 300);

    private sealed record Answer(int Status, string Page, string? At, string? Query, string? Location, string? MediaType, bool Oversize);

    private async Task<string> TokenAsync(string path)
    {
        var token = CsrfField().Match(await _http.GetStringAsync(path)).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), $"{path} has no antiforgery field");
        return token;
    }

    private async Task AssertStillSignedInAsync()
    {
        using var response = await _http.GetAsync("/devices");
        Assert.Equal("/devices", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("CONSOLE1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Percent(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            text.Append(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~' ? ((char)b).ToString() : "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    // Each distinct error the server logged: its message and the first frame of Palisade's code.
    private string FirstError() => string.Join("\n", _server.Logs.Lines
        .Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal))
        .Select(l => l.Split('\n') is var lines ? Shorten(lines[0], 400) + " " + lines.FirstOrDefault(x => x.TrimStart().StartsWith("at Palisade", StringComparison.Ordinal))?.Trim() : l)
        .Distinct(StringComparer.Ordinal).Take(8).DefaultIfEmpty("none"));

    private void AssertNoUnhandledExceptions()
    {
        var unhandled = _server.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).ToList();
        Assert.True(unhandled.Count == 0, string.Join('\n', unhandled.Take(5).Select(l => Shorten(l, 600))));
    }

    private static string Shorten(byte[] value) => Shorten(Encoding.UTF8.GetString(value), 40);

    private static string Shorten(string text, int length = 160) => text.Length <= length ? text : text[..length] + $"…({text.Length})";

    [GeneratedRegex("name=\"__csrf\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    [GeneratedRegex("<p class=\"message[^>]*>(.*?)</p>", RegexOptions.Singleline)]
    private static partial Regex MessageText();
}
