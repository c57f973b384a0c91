using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Testing;

namespace Palisade.Audit.Tests;

/// <summary>
/// The checks <c>palisade audit</c> runs against a deployed server (issue 24, "How it is checked"), each against
/// the real server. Where another change decides the outcome (lockout throttling, redaction, --api-listen), the test
/// finds out independently what the server does and requires the check to say the same.
/// </summary>
public sealed class DeployedServerTests
{
    [Fact]
    public async Task The_ssrf_check_finds_a_server_that_calls_loopback_and_nothing_with_the_defaults()
    {
        await using var open = await TestServer.StartAsync();
        var findings = await Auditor.RunAsync(await SsrfOptionsAsync(open), CancellationToken.None);
        Assert.Contains(findings, f => f.Id == "ssrf-loopback" && f.Severity == Severity.High);
        Assert.DoesNotContain(findings, f => f.Id is "ssrf-metadata" or "ssrf-not-checked" or "cr-outcome-detail");

        await using var defaults = await TestServer.StartAsync(o => o.ConnectionRequestTargets.AllowedNetworks.Clear());
        findings = await Auditor.RunAsync(await SsrfOptionsAsync(defaults), CancellationToken.None);
        Assert.DoesNotContain(findings, f => f.Id.StartsWith("ssrf", StringComparison.Ordinal) || f.Id == "cr-outcome-detail");
        Assert.Equal(0, await defaults.Host.Store.CountDevicesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_key_the_ssrf_check_says_it_did_not_run()
    {
        await using var server = await TestServer.StartAsync();
        var options = await SsrfOptionsAsync(server, withKey: false);
        var findings = await Auditor.RunAsync(options, CancellationToken.None);
        Assert.Contains(findings, f => f.Id == "ssrf-not-checked" && f.Severity == Severity.Info);
    }

    [Fact]
    public async Task The_api_is_reported_where_it_answers_on_the_address_cpes_use()
    {
        var address = NonLoopbackAddress();
        await using var exposed = await TestServer.StartAsync(o =>
        {
            o.Listen.Clear();
            o.Listen.Add(IPAddress.Any);
            o.Api.Listen.Clear();
            o.Api.Listen.Add(IPAddress.Any);
        });
        var findings = await Auditor.RunAsync(AtAddress(exposed, address), CancellationToken.None);
        Assert.Contains(findings, f => f.Id == "api-on-cpe-interface" && f.Severity == Severity.Medium);
        Assert.DoesNotContain(findings, f => f.Id == "api-on-cwmp-port");

        // CWMP open to the network, the API on its default (loopback): nothing to report.
        await using var apart = await TestServer.StartAsync(o =>
        {
            o.Listen.Clear();
            o.Listen.Add(IPAddress.Any);
        });
        findings = await Auditor.RunAsync(AtAddress(apart, address), CancellationToken.None);
        Assert.DoesNotContain(findings, f => f.Id is "api-on-cpe-interface" or "api-on-cwmp-port");
    }

    [Fact]
    public async Task An_api_answering_on_the_cwmp_port_is_reported()
    {
        await using var weak = await TestWebServer.StartAsync(null, async c =>
        {
            c.Response.StatusCode = c.Request.Path.StartsWithSegments("/api/v1/login") ? 401 : 400;
            c.Response.ContentType = "application/problem+json";
            await c.Response.WriteAsync("""{"title":"Unauthorized","status":401}""");
        });
        var findings = await Auditor.RunAsync(new AuditOptions { Target = weak.Url }, CancellationToken.None);
        Assert.Contains(findings, f => f.Id == "api-on-cwmp-port" && f.Severity == Severity.High);
    }

    [Fact]
    public async Task The_lockout_check_runs_only_when_asked_and_reports_what_the_owner_then_meets()
    {
        await using var server = await TestServer.StartAsync();
        var password = server.Host.Facts.AdminPassword!;
        var api = new Uri(server.Host.Facts.ApiUrl! + "/");
        var quiet = await Auditor.RunAsync(Options(server, loginPassword: password), CancellationToken.None);
        Assert.DoesNotContain(quiet, f => f.Id.Contains("lockout", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await LoginAsync(server, api, password));

        var findings = await Auditor.RunAsync(Options(server, loginPassword: password, destructive: true), CancellationToken.None);

        // Whatever the server's policy, the check must say what the owner meets right after a stranger's attempts.
        var owner = await LoginAsync(server, api, password);
        Assert.Equal(owner != HttpStatusCode.OK, findings.Any(f => f.Id == "login-lockout-by-stranger" && f.Severity == Severity.Medium));
    }

    [Fact]
    public async Task The_secrets_check_reports_what_a_viewer_actually_reads()
    {
        await using var server = await TestServer.StartAsync();
        var id = new DeviceId("00D09E", "AUDIT", "SECRET01");
        await server.Host.Store.CommitSessionAsync(new Acs.Storage.SessionChanges(new Device { Id = id, RegisteredAt = DateTimeOffset.UtcNow }), CancellationToken.None);
        var admin = await KeyAsync(server, Roles.Admin);
        var viewer = await KeyAsync(server, Roles.Viewer);
        const string Passphrase = "correct-horse-battery-staple";
        using var http = Client(server);
        var path = $"api/v1/devices/{Uri.EscapeDataString(id.ToString())}/tasks";
        using (var create = new HttpRequestMessage(HttpMethod.Post, path))
        {
            create.Headers.TryAddWithoutValidation("Authorization", "Bearer " + admin);
            create.Content = new StringContent($$"""{"name":"setParameterValues","parameterValues":[["Device.WiFi.AccessPoint.1.Security.KeyPassphrase","{{Passphrase}}","xsd:string"]]}""", Encoding.UTF8, "application/json");
            using var created = await http.SendAsync(create);
            Assert.True(created.IsSuccessStatusCode, created.StatusCode.ToString());
        }

        var findings = await Auditor.RunAsync(Options(server, viewerKey: viewer), CancellationToken.None);

        using var read = new HttpRequestMessage(HttpMethod.Get, path);
        read.Headers.TryAddWithoutValidation("Authorization", "Bearer " + viewer);
        using var seen = await http.SendAsync(read);
        var visible = (await seen.Content.ReadAsStringAsync()).Contains(Passphrase, StringComparison.Ordinal);
        Assert.Equal(visible, findings.Any(f => f.Id == "secrets-to-viewers" && f.Severity == Severity.Medium));
        Assert.DoesNotContain(findings, f => f.Evidence.Contains(Passphrase, StringComparison.Ordinal));
    }

    [Fact]
    public void Secrets_are_found_in_parameters_fields_and_urls_and_redacted_ones_are_not()
    {
        var seen = new List<string>();
        SecretsCheck.Scan(System.Text.Json.Nodes.JsonNode.Parse("""
            {"task":{"parameterValues":[["Device.WiFi.AccessPoint.1.Security.KeyPassphrase","hunter22","xsd:string"],["Device.WiFi.SSID.1.SSID","home","xsd:string"]],
             "url":"https://fw:s3cret@files.example/fw.bin","password":"p","username":"u"},
             "redacted":[["Device.ManagementServer.Password","***","xsd:string"]],"other":{"ConnectionRequestPassword":"[redacted]"}}
            """), "here", seen);
        Assert.Equal(3, seen.Count);
        Assert.Contains(seen, s => s.StartsWith("Device.WiFi.AccessPoint.1.Security.KeyPassphrase", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.StartsWith("credentials inside a URL", StringComparison.Ordinal));
        Assert.Contains(seen, s => s.StartsWith("password in", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, s => s.Contains("hunter22", StringComparison.Ordinal) || s.Contains("s3cret", StringComparison.Ordinal));
    }

    private static AuditOptions Options(TestServer server, string? loginPassword = null, bool destructive = false, string? viewerKey = null, string? apiKey = null, bool asDevice = false)
    {
        var bootstrap = server.Host.Facts.Bootstrap!;
        var options = new AuditOptions
        {
            Target = server.Url,
            ApiUrl = new Uri(server.Host.Facts.ApiUrl! + "/"),
            Timeout = TimeSpan.FromSeconds(30),
            LoginPassword = loginPassword,
            DestructiveChecks = destructive,
            ViewerKey = viewerKey,
            ApiKey = apiKey,
            DeviceUsername = asDevice ? bootstrap.Username : null,
            DevicePassword = asDevice ? bootstrap.Password : null,
        };
        options.TrustedCas.AddRange(server.Host.Facts.ClientCertificateAnchors);
        return options;
    }

    private static AuditOptions AtAddress(TestServer server, IPAddress address) => new()
    {
        Target = new UriBuilder(server.Url) { Host = address.ToString() }.Uri,
        ApiUrl = new UriBuilder(server.Host.Facts.ApiUrl!) { Host = address.ToString() }.Uri,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static async Task<AuditOptions> SsrfOptionsAsync(TestServer server, bool withKey = true) =>
        Options(server, apiKey: withKey ? await KeyAsync(server, Roles.Admin) : null, asDevice: true);

    private static async Task<string> KeyAsync(TestServer server, string role)
    {
        var (token, record) = ApiKeys.Create("audit-" + role, role, null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        return token;
    }

    private static HttpClient Client(TestServer server) => new(new SocketsHttpHandler
    {
        SslOptions = Security.Pki.Certificates.ServerAuthentication(server.Host.Facts.ClientCertificateAnchors, insecure: false),
    })
    { BaseAddress = new Uri(server.Host.Facts.ApiUrl! + "/") };

    private static async Task<HttpStatusCode> LoginAsync(TestServer server, Uri api, string password)
    {
        using var http = Client(server);
        using var response = await http.PostAsync(new Uri(api, "api/v1/login"), new StringContent($$"""{"username":"admin","password":"{{password}}"}""", Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    private static IPAddress NonLoopbackAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(i => i.OperationalStatus == OperationalStatus.Up)
        .SelectMany(i => i.GetIPProperties().UnicastAddresses)
        .Select(u => u.Address)
        .First(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
