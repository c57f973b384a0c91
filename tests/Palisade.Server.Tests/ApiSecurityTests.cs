using System.Net;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>Issue 24's API findings: scope escapes, secrets in tasks, unhandled input, refusals in the audit log.</summary>
public sealed class ApiSecurityTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private ApiClient _api = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _api = new ApiClient(_server);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_key_limited_to_a_device_filter_grants_nothing_wider_than_its_own_scope()
    {
        await CommitAsync("SCOPE001", "north");
        await CommitAsync("SCOPE002", "south");
        var scoped = await _api.KeyAsync(Roles.Admin, "tag = \"north\"");

        // A key it makes is limited to its own scope, narrowed further when asked, never wider.
        var minted = await _api.SendAsync(HttpMethod.Post, "api/v1/keys", scoped, """{"name":"escape","role":"admin"}""");
        Assert.Equal(HttpStatusCode.Created, minted.Status);
        var child = minted.Body["key"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, "api/v1/devices/" + Id("SCOPE002"), child)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Get, "api/v1/devices/" + Id("SCOPE001"), child)).Status);
        var widened = await _api.SendAsync(HttpMethod.Post, "api/v1/keys", scoped, """{"name":"escape2","role":"admin","deviceFilter":"tag = \"south\" OR id IS NOT NULL"}""");
        Assert.Equal(HttpStatusCode.Created, widened.Status);
        Assert.Empty((await _api.SendAsync(HttpMethod.Get, "api/v1/devices?filter=" + Uri.EscapeDataString("tag = \"south\""), widened.Body["key"]!.GetValue<string>())).Body["devices"]!.AsArray());

        // A user sees the whole fleet: a scoped key cannot create one. Nor can it see or revoke the fleet-wide keys.
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Post, "api/v1/users", scoped, """{"name":"escape","role":"admin"}""")).Status);
        var fleetKey = await _api.KeyAsync(Roles.Admin);
        var listed = await _api.SendAsync(HttpMethod.Get, "api/v1/keys", scoped);
        Assert.All(listed.Body["keys"]!.AsArray(), k => Assert.Equal("key:test-admin", k!["createdBy"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Delete, $"api/v1/keys/{fleetKey[4..20]}", scoped)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Get, "api/v1/devices/" + Id("SCOPE002"), fleetKey)).Status);
    }

    [Fact]
    public async Task Secrets_in_tasks_are_redacted_for_readers_and_never_reach_the_audit_log()
    {
        await CommitAsync("SECRET01", "x");
        var admin = await _api.KeyAsync(Roles.Admin);
        var viewer = await _api.KeyAsync(Roles.Viewer, name: "viewer");
        var path = $"api/v1/devices/{Id("SECRET01")}/tasks";
        var set = await _api.SendAsync(HttpMethod.Post, path, admin,
            """{"name":"setParameterValues","parameterValues":[["Device.WiFi.AccessPoint.1.Security.KeyPassphrase","wifi-hunter2","xsd:string"],["Device.WiFi.AccessPoint.1.Security.X_ACME_WPAKey","wpa-hunter3","xsd:string"],["Device.WiFi.SSID.1.SSID","home","xsd:string"]]}""");
        Assert.Equal(HttpStatusCode.Accepted, set.Status);
        var download = await _api.SendAsync(HttpMethod.Post, path, admin,
            """{"name":"download","fileType":"1 Firmware Upgrade Image","url":"https://fw-user:fw-hunter4@files.example/fw.bin?X-Amz-Signature=sig-hunter5&v=2","fileSize":1}""");
        Assert.Equal(HttpStatusCode.Accepted, download.Status);
        string[] secrets = ["wifi-hunter2", "wpa-hunter3", "fw-hunter4", "sig-hunter5"];

        foreach (var read in new[]
        {
            await _api.SendAsync(HttpMethod.Get, $"api/v1/tasks/{set.Body["id"]}", viewer),
            await _api.SendAsync(HttpMethod.Get, $"api/v1/tasks/{download.Body["id"]}", viewer),
            await _api.SendAsync(HttpMethod.Get, path, viewer),
            await _api.SendAsync(HttpMethod.Get, "api/v1/audit", admin),
            set,
            download,
        })
        {
            Assert.Equal(HttpStatusCode.OK, read.Status == HttpStatusCode.Accepted ? HttpStatusCode.OK : read.Status);
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, read.Text, StringComparison.Ordinal);
            }
        }

        // What is not a secret stays readable; the stored task keeps the secret for the CPE.
        var task = await _api.SendAsync(HttpMethod.Get, $"api/v1/tasks/{download.Body["id"]}", viewer);
        Assert.Equal("https://(redacted)@files.example/fw.bin?X-Amz-Signature=(redacted)&v=2", task.Body["task"]!["url"]!.GetValue<string>());
        Assert.Contains("\"home\"", (await _api.SendAsync(HttpMethod.Get, $"api/v1/tasks/{set.Body["id"]}", viewer)).Text, StringComparison.Ordinal);
        var stored = await _server.Host.Store.GetTaskAsync(set.Body["id"]!.GetValue<long>(), CancellationToken.None);
        Assert.Contains("wifi-hunter2", stored!.Payload, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "api/v1/devices?filter=lastInform%20%3E%20now-99999999d", null, "filter")]
    [InlineData("GET", "api/v1/faults?filter=registered%20%3C%20now%2B99999999d", null, "filter")]
    [InlineData("POST", "api/v1/login", "42", "body")]
    [InlineData("POST", "api/v1/login", "[\"admin\",\"x\"]", "body")]
    [InlineData("POST", "api/v1/login", "{\"username\":7,\"password\":\"x\"}", "username")]
    [InlineData("POST", "api/v1/login", "{\"username\":\"admin\",\"password\":[1]}", "password")]
    [InlineData("POST", "api/v1/keys", "{\"name\":\"k\",\"role\":\"viewer\",\"expiresInDays\":\"30\"}", "expiresInDays")]
    [InlineData("POST", "api/v1/keys", "{\"name\":\"k\",\"role\":\"viewer\",\"expiresInDays\":2147483647}", "expiresInDays")]
    [InlineData("POST", "api/v1/keys", "{\"name\":\"k\",\"role\":\"viewer\",\"expiresInDays\":1.5}", "expiresInDays")]
    [InlineData("POST", "api/v1/keys", "{\"name\":{\"a\":1},\"role\":\"viewer\"}", "name")]
    [InlineData("POST", "api/v1/keys", "{\"name\":\"k\",\"role\":true}", "role")]
    [InlineData("POST", "api/v1/keys", "{\"name\":\"k\",\"role\":\"viewer\",\"deviceFilter\":5}", "deviceFilter")]
    [InlineData("POST", "api/v1/keys", "{\"name\":\"k\",\"name\":\"j\",\"role\":\"viewer\"}", "body")]
    [InlineData("POST", "api/v1/users", "{\"name\":[\"a\"],\"role\":\"viewer\"}", "name")]
    [InlineData("GET", "api/v1/faults?limit=99999999999", null, "limit")]
    [InlineData("POST", "api/v1/tasks?filter=id%20IS%20NOT%20NULL&expires_in=-1", "{\"name\":\"reboot\"}", "expires_in")]
    public async Task Input_of_the_wrong_type_or_range_is_a_400_naming_the_field(string method, string path, string? body, string field)
    {
        var admin = await _api.KeyAsync(Roles.Admin);
        var response = await _api.SendAsync(new HttpMethod(method), path, path.EndsWith("login", StringComparison.Ordinal) ? null : admin, body);
        Assert.True(response.Status == HttpStatusCode.BadRequest, $"{method} {path} {body}: {response.Status} {response.Text}");
        Assert.Equal(field, response.Body["field"]?.GetValue<string>());
    }

    [Fact]
    public async Task Refused_calls_are_audited_once_a_minute_per_source_however_many_come()
    {
        var viewer = await _api.KeyAsync(Roles.Viewer, name: "viewer");
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await _api.SendAsync(HttpMethod.Get, "api/v1/devices", i % 2 == 0 ? null : "pal_0123456789abcdef_" + new string('A', 43))).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Post, "api/v1/keys", viewer, """{"name":"x","role":"admin"}""")).Status);
        }

        var admin = await _api.KeyAsync(Roles.Admin);
        var entries = (await _api.SendAsync(HttpMethod.Get, "api/v1/audit?limit=1000", admin)).Body["entries"]!.AsArray();
        var unauthorized = Assert.Single(entries, e => e!["action"]!.GetValue<string>() == "api.unauthorized")!;
        Assert.Equal("anonymous", unauthorized["actor"]!.GetValue<string>());
        Assert.Equal("GET /api/v1/devices", unauthorized["target"]!.GetValue<string>());
        var forbidden = Assert.Single(entries, e => e!["action"]!.GetValue<string>() == "api.forbidden")!;
        Assert.Equal("key:viewer-viewer", forbidden["actor"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_burst_gets_the_documented_hundred_for_session_tokens_and_oddly_written_keys_too()
    {
        var login = await _api.SendAsync(HttpMethod.Post, "api/v1/login", null, $$"""{"username":"admin","password":"{{_server.Host.Facts.AdminPassword}}"}""");
        var key = await _api.KeyAsync(Roles.Viewer);
        foreach (var token in new[] { login.Body["token"]!.GetValue<string>(), "  " + key })
        {
            // A burst of 200: 100 at once, then 10 a second while the burst lasts, which is the limiter's own real
            // clock: the bound grows with the time the burst took on this machine, so a slow one cannot fail it, and a
            // key without its limit (only its address's, 300) would get all 200 through a burst of under 10 s.
            var burst = System.Diagnostics.Stopwatch.StartNew();
            var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => _api.SendAsync(HttpMethod.Get, "api/v1/stats", token)));
            var lasted = (int)Math.Ceiling(burst.Elapsed.TotalSeconds);
            var passed = statuses.Count(r => r.Status == HttpStatusCode.OK);
            Assert.InRange(passed, 90, 100 + (10 * (lasted + 1)));
            Assert.Contains(statuses, r => r.Status == HttpStatusCode.TooManyRequests);
            Assert.All(statuses, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        }
    }

    [Fact]
    public async Task Logout_ends_a_session_at_once()
    {
        var login = await _api.SendAsync(HttpMethod.Post, "api/v1/login", null, $$"""{"username":"admin","password":"{{_server.Host.Facts.AdminPassword}}"}""");
        var token = login.Body["token"]!.GetValue<string>();
        Assert.InRange(DateTimeOffset.Parse(login.Body["expires"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Get, "api/v1/stats", token)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.SendAsync(HttpMethod.Post, "api/v1/logout", token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.SendAsync(HttpMethod.Get, "api/v1/stats", token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.SendAsync(HttpMethod.Post, "api/v1/logout", token)).Status);
    }

    private static string Id(string serial) => Uri.EscapeDataString(new DeviceId("00D09E", "HGW", serial).ToString());

    private async Task CommitAsync(string serial, string tag)
    {
        var id = new DeviceId("00D09E", "HGW", serial);
        await _server.Host.Store.CommitSessionAsync(new SessionChanges(new Device { Id = id, RegisteredAt = DateTimeOffset.UtcNow, LastInformAt = DateTimeOffset.UtcNow }), CancellationToken.None);
        await _server.Host.Store.SetTagAsync(id, tag, true, CancellationToken.None);
    }
}
