using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cpe.Model;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>The northbound API over HTTPS on 127.0.0.1, with real simulated CPEs behind it.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private static readonly DeviceTemplate Gateway = DeviceTemplate.Build(DeviceProfile.Gateway());
    private readonly List<CpeAgent> _agents = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ShiftedClock _clock = new();
    private TestServer _server = null!;
    private ConnectionRequestServer _cr = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(time: _clock);
        _cr = await ConnectionRequestServer.StartAsync(IPAddress.Loopback, 0, burst: 20, perSecond: 10);
        var anchors = _server.Host.Facts.ClientCertificateAnchors;
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = Palisade.Security.Pki.Certificates.ServerAuthentication(anchors, insecure: false),
        })
        { BaseAddress = new Uri(_server.Host.Facts.ApiUrl! + "/") };
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        _http.Dispose();
        await _cr.DisposeAsync();
        await _server.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task A_task_with_connection_request_and_timeout_returns_the_devices_actual_values()
    {
        var agent = await AgentAsync("API0001");
        var key = await KeyAsync(Roles.Operator);
        var response = await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks?connection_request=true&timeout=20", key,
            """{"name":"getParameterValues","parameterNames":["Device.WiFi.SSID.1.SSID","Device.DeviceInfo.SerialNumber"]}""");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("done", response.Body["status"]!.GetValue<string>());
        Assert.Equal("reached", response.Body["connectionRequest"]!["result"]!.GetValue<string>());
        var values = response.Body["result"]!["parameterValues"]!.AsArray();
        Assert.Contains(values, v => v![0]!.GetValue<string>() == "Device.WiFi.SSID.1.SSID" && v[1]!.GetValue<string>() == agent.Model.Get("Device.WiFi.SSID.1.SSID"));
        Assert.Contains(values, v => v![1]!.GetValue<string>() == "API0001");
    }

    [Fact]
    public async Task A_GenieACS_refreshObject_lists_the_subtree_then_reads_the_values_it_found()
    {
        var agent = await AgentAsync("API0003");
        var key = await KeyAsync(Roles.Operator);
        var response = await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks?connection_request=true&timeout=20", key,
            """{"name":"refreshObject","objectName":"Device.WiFi"}""");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("done", response.Body["status"]!.GetValue<string>());
        Assert.Equal("Device.WiFi.", response.Body["task"]!["objectName"]!.GetValue<string>());
        var cached = await _server.Host.Store.GetParametersAsync(new Acs.Devices.DeviceId("00D09E", "SIM-GW", "API0003"), "Device.WiFi.", CancellationToken.None);
        var values = cached.Where(p => p.Value is not null).ToList();
        Assert.Equal(values.Count, response.Body["result"]!["parameterCount"]!.GetValue<int>());
        Assert.Contains(values, p => p.Path == "Device.WiFi.SSID.1.SSID" && p.Value == agent.Model.Get("Device.WiFi.SSID.1.SSID"));
        Assert.DoesNotContain(cached, p => !p.Path.StartsWith("Device.WiFi.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_faulting_set_returns_the_cwmp_fault()
    {
        var agent = await AgentAsync("API0002");
        var key = await KeyAsync(Roles.Operator);
        var response = await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks?connection_request=true&timeout=20", key,
            """{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.Enable","perhaps","xsd:boolean"]]}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);

        response = await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks?connection_request=true&timeout=20", key,
            """{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.MACAddress","02:00:00:00:00:09","xsd:string"]]}""");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("faulted", response.Body["status"]!.GetValue<string>());
        Assert.Equal(9003, response.Body["fault"]!["code"]!.GetValue<int>());
        Assert.Equal(9008, response.Body["fault"]!["detail"]!["setParameterValuesFaults"]![0]!["faultCode"]!.GetValue<int>());

        var faults = await SendAsync(HttpMethod.Get, $"api/v1/faults?device={Id(agent)}", key);
        var fault = Assert.Single(faults.Body["faults"]!.AsArray());
        var retried = await SendAsync(HttpMethod.Post, $"api/v1/tasks/{fault!["id"]}/retry", key);
        Assert.Equal("queued", retried.Body["status"]!.GetValue<string>());
        var cancelled = await SendAsync(HttpMethod.Delete, $"api/v1/tasks/{fault["id"]}", key);
        Assert.Equal(HttpStatusCode.NoContent, cancelled.Status);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(HttpMethod.Delete, $"api/v1/tasks/{fault["id"]}", key)).Status);
    }

    [Fact]
    public async Task A_bulk_task_over_a_filter_reaches_every_matching_device_and_only_those()
    {
        var agents = new[] { await AgentAsync("API0010"), await AgentAsync("API0011"), await AgentAsync("API0012") };
        var key = await KeyAsync(Roles.Operator);
        foreach (var a in agents.Take(2))
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"api/v1/devices/{Id(a)}/tags/beta", key)).Status);
        }

        var created = await SendAsync(HttpMethod.Post, "api/v1/tasks?filter=" + Uri.EscapeDataString("tag = \"beta\""), key, """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.UpTime"]}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(2, created.Body["created"]!.GetValue<int>());

        var listed = await SendAsync(HttpMethod.Get, "api/v1/devices?filter=" + Uri.EscapeDataString("tag = \"beta\"") + "&projection=Device.DeviceInfo.SerialNumber", key);
        Assert.Equal(2, listed.Body["total"]!.GetValue<long>());
        foreach (var a in agents)
        {
            var tasks = await SendAsync(HttpMethod.Get, $"api/v1/devices/{Id(a)}/tasks", key);
            Assert.Equal(a == agents[2] ? 0 : 1, tasks.Body["tasks"]!.AsArray().Count);
        }
    }

    [Fact]
    public async Task Devices_are_paged_with_the_cursor_each_page_returns()
    {
        var agents = new[] { await AgentAsync("API0030"), await AgentAsync("API0031"), await AgentAsync("API0032") };
        var key = await KeyAsync(Roles.Operator);
        var filter = "&filter=" + Uri.EscapeDataString("serialNumber LIKE \"API003%\"");
        foreach (var sort in new[] { "id", "-lastInform" })
        {
            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var page = await SendAsync(HttpMethod.Get, $"api/v1/devices?sort={sort}&limit=2{filter}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), key);
                Assert.Equal(HttpStatusCode.OK, page.Status);
                seen.AddRange(page.Body["devices"]!.AsArray().Select(d => d!["serialNumber"]!.GetValue<string>()));

                // Every match is counted on the first page, not again on each page after it.
                Assert.Equal(cursor is null ? 3 : null, page.Body["total"]?.GetValue<long>());
                cursor = page.Body["nextCursor"]?.GetValue<string>();
            }
            while (cursor is not null && seen.Count < 10);

            Assert.Equal(agents.Length, seen.Count);
            Assert.Equal(["API0030", "API0031", "API0032"], seen.Order(StringComparer.Ordinal));
        }

        // A cursor belongs to its order; one made up is refused the same way.
        var first = await SendAsync(HttpMethod.Get, $"api/v1/devices?sort=id&limit=1{filter}", key);
        var fromId = first.Body["nextCursor"]!.GetValue<string>();
        foreach (var bad in new[] { "sort=-lastInform&cursor=" + Uri.EscapeDataString(fromId), "cursor=bm9uc2Vuc2U" })
        {
            var refused = await SendAsync(HttpMethod.Get, $"api/v1/devices?{bad}", key);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains("cursor", refused.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_diagnostic_with_counts_or_sizes_outside_the_data_models_range_is_a_400_and_queues_nothing()
    {
        var agent = await AgentAsync("API0021");
        var key = await KeyAsync(Roles.Operator);
        foreach (var (body, named) in new[]
        {
            ("""{"name":"ipPing","host":"192.0.2.1","numberOfRepetitions":4294967295}""", "numberOfRepetitions must be a whole number from 1 to 1000"),
            ("""{"name":"ipPing","host":"192.0.2.1","numberOfRepetitions":0}""", "numberOfRepetitions must be a whole number from 1 to 1000"),
            ("""{"name":"ipPing","host":"192.0.2.1","dataBlockSize":65536}""", "dataBlockSize must be a whole number from 1 to 65535"),
            ("""{"name":"traceRoute","host":"192.0.2.1","maxHopCount":255}""", "maxHopCount must be a whole number from 1 to 64"),
            ("""{"name":"udpEcho","host":"192.0.2.1","port":7,"timeout":3600001}""", "timeout must be a whole number from 1 to 3600000"),
        })
        {
            var refused = await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks", key, body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains(named, refused.Text, StringComparison.Ordinal);
        }

        var tasks = await SendAsync(HttpMethod.Get, $"api/v1/devices/{Id(agent)}/tasks", key);
        Assert.Empty(tasks.Body["tasks"]!.AsArray());
        var accepted = await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks", key, """{"name":"ipPing","host":"192.0.2.1","numberOfRepetitions":1000,"dataBlockSize":65535,"timeout":3600000}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.Status);
    }

    [Fact]
    public async Task A_task_not_done_before_its_expiry_ends_as_expired()
    {
        var agent = await AgentAsync("API0020");
        var key = await KeyAsync(Roles.Operator);
        var created = await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks?expires_in=1", key, """{"name":"reboot"}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await agent.RunSessionAsync(CancellationToken.None);
        var task = await SendAsync(HttpMethod.Get, $"api/v1/tasks/{created.Body["id"]}", key);
        Assert.Equal("expired", task.Body["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_endpoint_refuses_missing_wrong_expired_and_underprivileged_callers_without_leaking()
    {
        var agent = await AgentAsync("API0030");
        var other = await AgentAsync("API0031");
        var id = Id(agent);
        var viewer = await KeyAsync(Roles.Viewer);
        var expired = await KeyAsync(Roles.Admin, expiresAt: DateTimeOffset.UtcNow.AddSeconds(-1));
        var scoped = await KeyAsync(Roles.Admin, filter: $"serialNumber = \"{other.Model.Identity.SerialNumber}\"");
        var revoked = await KeyAsync(Roles.Admin);
        var admin = await KeyAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"api/v1/keys/{revoked[4..20]}", admin)).Status);

        (HttpMethod Method, string Path, string? Body, bool Write)[] endpoints =
        [
            (HttpMethod.Get, "api/v1/devices", null, false),
            (HttpMethod.Get, "api/v1/devices.csv", null, false),
            (HttpMethod.Get, $"api/v1/devices/{id}", null, false),
            (HttpMethod.Delete, $"api/v1/devices/{id}", null, true),
            (HttpMethod.Put, $"api/v1/devices/{id}/tags/x", null, true),
            (HttpMethod.Delete, $"api/v1/devices/{id}/tags/x", null, true),
            (HttpMethod.Get, $"api/v1/devices/{id}/tasks", null, false),
            (HttpMethod.Post, $"api/v1/devices/{id}/tasks", """{"name":"reboot"}""", true),
            (HttpMethod.Post, $"api/v1/devices/{id}/connection-request", null, true),
            (HttpMethod.Post, "api/v1/tasks?filter=id%20IS%20NOT%20NULL", """{"name":"reboot"}""", true),
            (HttpMethod.Get, "api/v1/tasks/1", null, false),
            (HttpMethod.Post, "api/v1/tasks/1/retry", null, true),
            (HttpMethod.Delete, "api/v1/tasks/1", null, true),
            (HttpMethod.Get, "api/v1/faults", null, false),
            (HttpMethod.Delete, "api/v1/faults/1", null, true),
            (HttpMethod.Get, "api/v1/keys", null, true),
            (HttpMethod.Post, "api/v1/keys", """{"name":"x","role":"admin"}""", true),
            (HttpMethod.Delete, "api/v1/keys/0123456789abcdef", null, true),
            (HttpMethod.Post, "api/v1/users", """{"name":"x","role":"admin"}""", true),
            (HttpMethod.Get, "api/v1/posture", null, false),
            (HttpMethod.Get, "api/v1/audit", null, true),
            (HttpMethod.Get, "api/v1/audit/verify", null, true),
        ];

        foreach (var (method, path, body, write) in endpoints)
        {
            foreach (var token in new[] { null, "pal_0123456789abcdef_" + new string('A', 43), expired, revoked, "Basic YWRtaW46YWRtaW4=" })
            {
                var r = await SendAsync(method, path, token, body);
                Assert.True(r.Status == HttpStatusCode.Unauthorized, $"{method} {path} with {token?[..8]}: {r.Status}");
                Assert.Equal("application/problem+json", r.ContentType);
                Assert.DoesNotContain("API0030", r.Text, StringComparison.Ordinal);
            }

            if (write)
            {
                var r = await SendAsync(method, path, viewer, body);
                Assert.True(r.Status == HttpStatusCode.Forbidden, $"{method} {path} as viewer: {r.Status}");
                Assert.DoesNotContain("API0030", r.Text, StringComparison.Ordinal);
            }

            if (path.Contains(id, StringComparison.Ordinal))
            {
                var r = await SendAsync(method, path, scoped, body);
                Assert.True(r.Status == HttpStatusCode.NotFound, $"{method} {path} outside the key's scope: {r.Status}");
                Assert.DoesNotContain("API0030", r.Text, StringComparison.Ordinal);
            }
        }

        var visible = await SendAsync(HttpMethod.Get, "api/v1/devices", scoped);
        Assert.Equal(other.Model.Identity.SerialNumber, Assert.Single(visible.Body["devices"]!.AsArray())!["serialNumber"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"api/v1/devices/{id}", admin)).Status);
    }

    [Theory]
    [InlineData("Device.X = \"' OR 1=1 --\"", HttpStatusCode.OK)]
    [InlineData("Device.X = 1; DROP TABLE devices", HttpStatusCode.BadRequest)]
    [InlineData("password_hash IS NOT NULL", HttpStatusCode.BadRequest)]
    [InlineData("((((((((((((((((((((tag = 'a'))))))))))))))))))))", HttpStatusCode.BadRequest)]
    public async Task Hostile_filters_are_parsed_safely_or_refused_clearly(string filter, HttpStatusCode expected)
    {
        await AgentAsync("API0040");
        var key = await KeyAsync(Roles.Viewer);
        var response = await SendAsync(HttpMethod.Get, "api/v1/devices?filter=" + Uri.EscapeDataString(filter), key);
        Assert.Equal(expected, response.Status);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Empty(response.Body["devices"]!.AsArray());
        }
        else
        {
            Assert.Contains("filter", response.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(1, await _server.Host.Store.CountDevicesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Writing_the_acs_url_is_a_separate_permission_limited_to_the_allow_list_and_audited()
    {
        var agent = await AgentAsync("API0050");
        var operatorKey = await KeyAsync(Roles.Operator);
        var admin = await KeyAsync(Roles.Admin);
        string Body(string url) => $$"""{"name":"setParameterValues","parameterValues":[["Device.ManagementServer.URL","{{url}}","xsd:string"]]}""";
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks", operatorKey, Body("https://localhost:7547/"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks", admin, Body("https://acs.attacker.example/"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks", admin, Body("http://localhost:7547/"))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks", admin, Body("https://localhost:7547/"))).Status);

        var audit = await SendAsync(HttpMethod.Get, "api/v1/audit", admin);
        Assert.Contains(audit.Body["entries"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "device.management-server.write" && e["target"]!.GetValue<string>() == Uri.UnescapeDataString(Id(agent)));
        var verify = await SendAsync(HttpMethod.Get, "api/v1/audit/verify", admin);
        Assert.True(verify.Body["intact"]!.GetValue<bool>());
        var checkpoint = verify.Body["checkpoint"]!.GetValue<string>();
        Assert.True((await SendAsync(HttpMethod.Get, "api/v1/audit/verify?expect=" + Uri.EscapeDataString(checkpoint), admin)).Body["intact"]!.GetValue<bool>());
        var beyond = await SendAsync(HttpMethod.Get, "api/v1/audit/verify?expect=" + Uri.EscapeDataString("999999:" + new string('0', 64)), admin);
        Assert.False(beyond.Body["intact"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Get, "api/v1/audit/verify?expect=latest", admin)).Status);
    }

    [Fact]
    public async Task MoveToHttps_needs_the_management_server_permission_an_allowed_host_and_defaults_to_this_servers_https_url()
    {
        var agent = await AgentAsync("API0051");
        var operatorKey = await KeyAsync(Roles.Operator);
        var admin = await KeyAsync(Roles.Admin);
        var path = $"api/v1/devices/{Id(agent)}/tasks";
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, path, operatorKey, """{"name":"moveToHttps"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, path, admin, """{"name":"moveToHttps","url":"https://acs.attacker.example/"}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, path, admin, """{"name":"moveToHttps","url":"http://localhost/"}""")).Status);

        var created = await SendAsync(HttpMethod.Post, path, admin, """{"name":"moveToHttps"}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        var own = $"https://localhost:{_server.Url.Port}/";
        Assert.Equal(own, created.Body["task"]!["url"]!.GetValue<string>());

        var posture = await SendAsync(HttpMethod.Get, "api/v1/posture", admin);
        var plaintext = posture.Body["items"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == "plaintext-cwmp")!;
        Assert.Equal("moveToHttps", plaintext["remedyTask"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_admin_logs_in_with_the_printed_password_and_repeated_failures_lock_the_account()
    {
        var password = _server.Host.Facts.AdminPassword!;
        Assert.NotNull(password);
        var ok = await SendAsync(HttpMethod.Post, "api/v1/login", null, $$"""{"username":"admin","password":"{{password}}"}""");
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        var session = ok.Body["token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "api/v1/keys", session, """{"name":"ops","role":"operator","expiresInDays":30}""")).Status);
        var user = await SendAsync(HttpMethod.Post, "api/v1/users", session, """{"name":"noc-1","role":"viewer"}""");
        Assert.Equal(HttpStatusCode.Created, user.Status);
        var viewerLogin = await SendAsync(HttpMethod.Post, "api/v1/login", null, $$"""{"username":"noc-1","password":"{{user.Body["password"]}}"}""");
        Assert.Equal("viewer", viewerLogin.Body["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "api/v1/users", viewerLogin.Body["token"]!.GetValue<string>(), """{"name":"x","role":"admin"}""")).Status);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Post, "api/v1/login", null, """{"username":"admin","password":"guess"}""")).Status);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(HttpMethod.Post, "api/v1/login", null, $$"""{"username":"admin","password":"{{password}}"}""")).Status);
        Assert.DoesNotContain(password, _server.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_export_neutralises_formulas_and_json_shows_no_credentials()
    {
        var agent = await AgentAsync("API0060");
        agent.Model.SetInternal("Device.DeviceInfo.ProvisioningCode", "=HYPERLINK(\"http://evil\")");
        await agent.RunSessionAsync(CancellationToken.None);
        var key = await KeyAsync(Roles.Viewer);
        var csv = await SendAsync(HttpMethod.Get, "api/v1/devices.csv?projection=Device.DeviceInfo.ProvisioningCode", key);
        Assert.Contains("\"'=HYPERLINK", csv.Text, StringComparison.Ordinal);

        var device = await SendAsync(HttpMethod.Get, $"api/v1/devices/{Id(agent)}", key);
        Assert.DoesNotContain("ha1", device.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(agent.ConnectionRequestCredentials!.Value.Password, device.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(agent.State.Password!, device.Text, StringComparison.Ordinal);
        Assert.True(device.Body["online"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_openapi_document_and_the_reference_page_are_served_without_data()
    {
        var document = await SendAsync(HttpMethod.Get, "api/v1/openapi.json", null);
        Assert.Equal(HttpStatusCode.OK, document.Status);
        Assert.Equal("Palisade northbound API", document.Body["info"]!["title"]!.GetValue<string>());
        var paths = document.Body["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/v1/devices", paths);
        Assert.Contains("/api/v1/devices/{id}/tasks", paths);

        var page = await SendAsync(HttpMethod.Get, "api/v1/reference", null);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<html", page.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Faults_can_be_listed_by_filter()
    {
        var agent = await AgentAsync("API0070");
        var other = await AgentAsync("API0071");
        var key = await KeyAsync(Roles.Operator);
        foreach (var a in new[] { agent, other })
        {
            await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(a)}/tasks?connection_request=true&timeout=20", key,
                """{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.MACAddress","02:00:00:00:00:09","xsd:string"]]}""");
        }

        var all = await SendAsync(HttpMethod.Get, "api/v1/faults", key);
        Assert.Equal(2, all.Body["faults"]!.AsArray().Count);
        var one = await SendAsync(HttpMethod.Get, "api/v1/faults?filter=" + Uri.EscapeDataString("serialNumber = \"API0071\""), key);
        Assert.Equal(Uri.UnescapeDataString(Id(other)), Assert.Single(one.Body["faults"]!.AsArray())!["device"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_burst_over_the_rate_limit_gets_429_with_retry_after()
    {
        var key = await KeyAsync(Roles.Viewer);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            statuses.Add((await SendAsync(HttpMethod.Get, "api/v1/stats", key)).Status);
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task Basic_connection_requests_go_only_over_https_to_devices_tagged_for_it()
    {
        using var ca = new Security.Pki.CertificateAuthority(Security.Pki.PkiStore.LoadWithKey(Path.Combine(_server.DataDirectory, "pki", "ca.crt"), Path.Combine(_server.DataDirectory, "pki", "ca.key")));
        await using var cpe = await TestWebServer.StartAsync(ca.IssueServer(["127.0.0.1"], TimeSpan.FromDays(1)), context =>
        {
            var ok = context.Request.Headers.Authorization.ToString() == Security.Digest.BasicCredentials.Header("cr", "cr-secret");
            context.Response.StatusCode = ok ? 200 : 401;
            if (!ok)
            {
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"legacy-cpe\"";
            }

            return Task.CompletedTask;
        });
        var id = new Acs.Devices.DeviceId("00D09E", "LEGACY", "OLD0001");
        await _server.Host.Store.CommitSessionAsync(new Acs.Storage.SessionChanges(new Acs.Devices.Device
        {
            Id = id,
            RegisteredAt = DateTimeOffset.UtcNow,
            ConnectionRequest = new Acs.Devices.ConnectionRequestEndpoint(new Uri(cpe.Url, "cr").ToString(), "cr", "cr-secret", null),
        }), CancellationToken.None);
        var key = await KeyAsync(Roles.Operator);
        var path = $"api/v1/devices/{Uri.EscapeDataString(id.ToString())}";

        var refused = await SendAsync(HttpMethod.Post, path + "/connection-request", key);
        Assert.Equal("unreachable", refused.Body["result"]!.GetValue<string>());
        Assert.Equal("basic-not-allowed", refused.Body["reason"]!.GetValue<string>());
        Assert.Equal(1, cpe.Requests);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, path + "/tags/cr-basic-allowed", key)).Status);
        var reached = await SendAsync(HttpMethod.Post, path + "/connection-request", key);
        Assert.Equal("reached", reached.Body["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_factory_reset_device_is_refused_until_an_admin_readmits_it()
    {
        var agent = await AgentAsync("API0080");
        var admin = await KeyAsync(Roles.Admin);
        var operatorKey = await KeyAsync(Roles.Operator);
        await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/tasks?connection_request=true&timeout=20", admin, """{"name":"factoryReset"}""");
        await Eventually.HoldsAsync(() => agent.State.Username == _server.Host.Facts.Bootstrap!.Username, "the agent to fall back to the bootstrap credential", TimeSpan.FromSeconds(30));
        Assert.Equal("auth", (await agent.RunSessionAsync(CancellationToken.None)).ErrorKind);

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/readmit", operatorKey)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"api/v1/devices/{Id(agent)}/readmit", admin)).Status);
        var outcome = await agent.RunSessionAsync(CancellationToken.None);
        Assert.True(outcome.Success, outcome.ToString());
        Assert.NotEqual(_server.Host.Facts.Bootstrap!.Password, agent.State.Password);
    }

    private async Task<CpeAgent> AgentAsync(string serial)
    {
        var bootstrap = _server.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = _server.Url, Username = bootstrap.Username, Password = bootstrap.Password, PeriodicInterval = TimeSpan.FromHours(1) };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        var agent = new CpeAgent(new CpeDataModel(Gateway, new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", serial, "SIM-GW 1000", "rev-A")), options);
        _cr.Register(agent);
        _agents.Add(agent);
        var outcome = await agent.RunSessionAsync(CancellationToken.None);
        Assert.True(outcome.Success, outcome.ToString());
        _ = agent.RunAsync(_stop.Token);
        return agent;
    }

    // Device ids go into URLs percent-encoded, like any path segment (the id itself may contain %XX escapes).
    private static string Id(CpeAgent agent) => Uri.EscapeDataString(new Acs.Devices.DeviceId("00D09E", "SIM-GW", agent.Model.Identity.SerialNumber).ToString());

    private async Task<string> KeyAsync(string role, string? filter = null, DateTimeOffset? expiresAt = null)
    {
        var (token, record) = ApiKeys.Create("test-" + role, role, filter, DateTimeOffset.UtcNow.AddMinutes(-1), expiresAt, "test");
        await _server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        return token;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body, string Text, string? ContentType)> SendAsync(HttpMethod method, string path, string? token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", token.StartsWith("Basic ", StringComparison.Ordinal) ? token : "Bearer " + token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode parsed = text.Length > 0 && text[0] is '{' or '[' ? JsonNode.Parse(text)! : new JsonObject();
        return (response.StatusCode, parsed, text, response.Content.Headers.ContentType?.MediaType);
    }
}
