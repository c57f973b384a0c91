using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Storage;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>Presets, provisions and virtual parameters through the API: GenieACS's shapes, their own permission, audit, validation.</summary>
public sealed class ProvisioningApiTests : IAsyncLifetime
{
    private const string Inform = """
        const now = Date.now();
        declare("InternetGatewayDevice.ManagementServer.PeriodicInformInterval", {value: now}, {value: 3600});
        """;

    private const string WifiPreset = """
        {"weight":10,"channel":"wifi","events":{"0 BOOTSTRAP":true,"1 BOOT":false},
         "precondition":"DeviceID.ProductClass = \"HGW\" AND Tags.beta IS NOT NULL",
         "schedule":"","configurations":[{"type":"provision","name":"wifi","args":["guest",42]},
         {"type":"value","name":"Device.WiFi.SSID.1.SSID","value":"home"}]}
        """;

    private TestServer _server = null!;
    private ApiClient _api = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _api = new ApiClient(_server);
        _admin = await _api.KeyAsync(Roles.Admin);
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_preset_is_written_read_listed_and_deleted_in_GenieACS_shape_and_every_write_is_audited_with_its_hash()
    {
        var put = await _api.SendAsync(HttpMethod.Put, "api/v1/presets/wifi", _admin, WifiPreset);
        Assert.Equal(HttpStatusCode.Created, put.Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Put, "api/v1/presets/wifi", _admin, WifiPreset)).Status);

        var get = await _api.SendAsync(HttpMethod.Get, "api/v1/presets/wifi", _admin);
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal("wifi", get.Body["name"]!.GetValue<string>());
        Assert.Equal(10, get.Body["weight"]!.GetValue<double>());
        Assert.Equal("wifi", get.Body["channel"]!.GetValue<string>());
        Assert.False(get.Body["events"]!["1 BOOT"]!.GetValue<bool>());
        Assert.True(get.Body["events"]!["0 BOOTSTRAP"]!.GetValue<bool>());
        Assert.Equal("DeviceID.ProductClass = \"HGW\" AND Tags.beta IS NOT NULL", get.Body["precondition"]!.GetValue<string>());
        var configurations = get.Body["configurations"]!.AsArray();
        Assert.Equal(["provision", "value"], configurations.Select(c => c!["type"]!.GetValue<string>()));
        Assert.Equal("[\"guest\",42]", configurations[0]!["args"]!.ToJsonString());

        var list = await _api.SendAsync(HttpMethod.Get, "api/v1/presets", _admin);
        Assert.Equal(["wifi"], list.Body["presets"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await _api.SendAsync(HttpMethod.Delete, "api/v1/presets/wifi", _admin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, "api/v1/presets/wifi", _admin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Delete, "api/v1/presets/wifi", _admin)).Status);

        var audit = await _server.Host.Store.ListAuditAsync(null, 10, CancellationToken.None);
        var writes = audit.Where(e => e.Action.StartsWith("preset.", StringComparison.Ordinal)).Reverse().ToList();
        Assert.Equal(["preset.put", "preset.put", "preset.delete"], writes.Select(e => e.Action));
        var stored = JsonNode.Parse(writes[0].Detail)!;
        Assert.Matches("^[0-9a-f]{64}$", stored["sha256"]!.GetValue<string>());
        Assert.True(stored["created"]!.GetValue<bool>());
        Assert.All(writes, e => Assert.Equal("wifi", e.Target));
    }

    [Fact]
    public async Task A_provision_is_its_JavaScript_body_and_is_stored_with_the_SHA256_of_that_body()
    {
        var put = await _api.SendAsync(HttpMethod.Put, "api/v1/provisions/inform", _admin, Inform, "text/javascript");
        Assert.Equal(HttpStatusCode.Created, put.Status);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Inform)));
        Assert.Equal(sha, put.Body["sha256"]!.GetValue<string>());

        var get = await _api.SendAsync(HttpMethod.Get, "api/v1/provisions/inform", _admin);
        Assert.Equal(Inform, get.Body["script"]!.GetValue<string>());
        Assert.Equal(Inform, (await _api.SendAsync(HttpMethod.Get, "api/v1/provisions/inform?raw=true", _admin)).Text);

        var asJson = await _api.SendAsync(HttpMethod.Put, "api/v1/virtual-parameters/wanip", _admin, new JsonObject { ["script"] = "return {writable: false, value: ['192.0.2.1', 'xsd:string']};" }.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, asJson.Status);
        var vparams = await _api.SendAsync(HttpMethod.Get, "api/v1/virtual-parameters", _admin);
        Assert.Equal(["wanip"], vparams.Body["virtualParameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.DoesNotContain((await _api.SendAsync(HttpMethod.Get, "api/v1/provisions", _admin)).Body["provisions"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "wanip");

        var entry = (await _server.Host.Store.ListAuditAsync(null, 10, CancellationToken.None)).First(e => e.Action == "provision.put");
        Assert.Equal(sha, JsonNode.Parse(entry.Detail)!["sha256"]!.GetValue<string>());
        Assert.Contains(await _server.Host.Store.ListAuditAsync(null, 10, CancellationToken.None), e => e.Action == "vparam.put" && e.Target == "wanip");
    }

    [Fact]
    public async Task Writing_the_policy_is_a_permission_of_its_own_that_operators_do_not_hold()
    {
        var operatorKey = await _api.KeyAsync(Roles.Operator);
        var viewer = await _api.KeyAsync(Roles.Viewer);
        var provisioner = await _api.KeyAsync(Roles.Provisioner);

        var refused = await _api.SendAsync(HttpMethod.Put, "api/v1/provisions/x", operatorKey, "log('x');", "text/javascript");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("write-provisioning", refused.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Put, "api/v1/presets/x", operatorKey, "{}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Get, "api/v1/provisions", viewer)).Status);

        Assert.Equal(HttpStatusCode.Created, (await _api.SendAsync(HttpMethod.Put, "api/v1/provisions/x", provisioner, "log('x');", "text/javascript")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Get, "api/v1/provisions/x", operatorKey)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Delete, "api/v1/provisions/x", operatorKey)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.SendAsync(HttpMethod.Delete, "api/v1/provisions/x", provisioner)).Status);
    }

    [Theory]
    [InlineData("presets/bad name", "{}", "name")]
    [InlineData("presets/p", "{\"weight\":0,\"colour\":\"red\"}", "colour")]
    [InlineData("presets/p", "{\"precondition\":\"Device.X = \"}", "precondition")]
    [InlineData("presets/p", "{\"precondition\":\"VirtualParameters.WANIP = \\\"x\\\"\"}", "precondition")]
    [InlineData("presets/p", "{\"precondition\":\"{\\\"_id\\\":{\\\"$regex\\\":\\\"^00\\\"}}\"}", "precondition")]
    [InlineData("presets/p", "{\"schedule\":\"0 3 * * *\"}", "schedule")]
    [InlineData("presets/p", "{\"schedule\":\"3600 0 25 * * *\"}", "schedule")]
    [InlineData("presets/p", "{\"events\":{\"1 BOOT\":\"yes\"}}", "events")]
    [InlineData("presets/p", "{\"configurations\":[{\"type\":\"exec\",\"name\":\"x\"}]}", "configurations[0].type")]
    [InlineData("presets/p", "{\"configurations\":[{\"type\":\"provision\",\"name\":\"../etc\"}]}", "configurations[0].name")]
    [InlineData("presets/p", "{\"configurations\":[{\"type\":\"add_object\",\"name\":\"Device.WiFi.SSID\",\"object\":\"3\"}]}", "configurations[0].object")]
    [InlineData("presets/p", "[1,2]", "body")]
    public async Task A_preset_that_breaks_a_rule_is_refused_with_400_naming_the_field_and_nothing_is_stored(string path, string body, string field)
    {
        var response = await _api.SendAsync(HttpMethod.Put, "api/v1/" + path, _admin, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(field, response.Body["field"]!.GetValue<string>());
        Assert.Empty(await _server.Host.Store.ListPresetsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_script_that_does_not_parse_is_too_large_or_nests_without_end_is_refused_and_the_server_stays_up()
    {
        var syntax = await _api.SendAsync(HttpMethod.Put, "api/v1/provisions/broken", _admin, "declare('x', {value: 1}", "text/javascript");
        Assert.Equal(HttpStatusCode.BadRequest, syntax.Status);
        Assert.Contains("does not parse", syntax.Text, StringComparison.Ordinal);

        var huge = await _api.SendAsync(HttpMethod.Put, "api/v1/provisions/huge", _admin, "//" + new string('x', 70 * 1024), "text/javascript");
        Assert.Equal(HttpStatusCode.BadRequest, huge.Status);

        var nested = await _api.SendAsync(HttpMethod.Put, "api/v1/provisions/nested", _admin, new string('[', 32_000) + new string(']', 32_000), "text/javascript");
        Assert.Equal(HttpStatusCode.BadRequest, nested.Status);

        Assert.Equal(HttpStatusCode.BadRequest, (await _api.SendAsync(HttpMethod.Put, "api/v1/virtual-parameters/empty", _admin, "  ", "text/javascript")).Status);
        Assert.Empty(await _server.Host.Store.ListScriptsAsync(ScriptKind.Provision, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Get, "api/v1/provisions", _admin)).Status);
    }

    [Fact]
    public async Task A_preset_written_through_the_API_is_matched_by_the_next_session_and_a_deleted_one_no_more()
    {
        var catalog = _server.Host.Provisioning.Catalog;
        var context = Context("0 BOOTSTRAP", "beta");
        Assert.Empty(await catalog.MatchAsync(context, default));

        Assert.Equal(HttpStatusCode.Created, (await _api.SendAsync(HttpMethod.Put, "api/v1/presets/wifi", _admin, WifiPreset)).Status);
        var calls = await catalog.MatchAsync(context, default);
        Assert.Equal(["wifi", "builtin:value"], calls.Select(c => c.Provision));
        Assert.All(calls, c => Assert.Equal("wifi", c.Channel));
        Assert.Null(calls[0].Inline);
        Assert.NotNull(calls[1].Inline);
        Assert.Empty(await catalog.MatchAsync(Context("0 BOOTSTRAP,1 BOOT", "beta"), default));
        Assert.Empty(await catalog.MatchAsync(Context("0 BOOTSTRAP", "alpha"), default));

        await _api.SendAsync(HttpMethod.Put, "api/v1/provisions/wifi", _admin, "declare('Device.WiFi.SSID.1.SSID', null, {value: args[0]});", "text/javascript");
        Assert.Equal("wifi", (await catalog.GetProvisionAsync("wifi", default))!.Name);

        Assert.Equal(HttpStatusCode.NoContent, (await _api.SendAsync(HttpMethod.Delete, "api/v1/presets/wifi", _admin)).Status);
        Assert.Empty(await catalog.MatchAsync(context, default));
    }

    [Fact]
    public async Task Provisioning_faults_are_listed_with_task_faults_and_can_be_cleared()
    {
        var id = new DeviceId("00D09E", "HGW", "PLS0000001");
        await _server.Host.Store.CommitSessionAsync(new SessionChanges(Device(id)), CancellationToken.None);
        await _server.Host.Provisioning.Faults.RecordAsync(id, "wifi", new ChannelFaultReport("script.timeout", "The script ran out of time.", "at wifi:3", ["wifi"]), default);

        var faults = await _api.SendAsync(HttpMethod.Get, "api/v1/faults?device=" + Uri.EscapeDataString(id.ToString()), _admin);
        Assert.Equal(HttpStatusCode.OK, faults.Status);
        Assert.Empty(faults.Body["faults"]!.AsArray());
        var fault = Assert.Single(faults.Body["channelFaults"]!.AsArray())!;
        Assert.Equal("wifi", fault["channel"]!.GetValue<string>());
        Assert.Equal("script.timeout", fault["code"]!.GetValue<string>());
        Assert.Equal(0, fault["retries"]!.GetValue<int>());

        var viewer = await _api.KeyAsync(Roles.Viewer);
        var path = "api/v1/faults/" + Uri.EscapeDataString(id.ToString()) + "/wifi";
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Delete, path, viewer)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.SendAsync(HttpMethod.Delete, path, _admin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Delete, path, _admin)).Status);
        Assert.Empty((await _api.SendAsync(HttpMethod.Get, "api/v1/faults", _admin)).Body["channelFaults"]!.AsArray());
        Assert.Contains(await _server.Host.Store.ListAuditAsync(null, 5, CancellationToken.None), e => e.Action == "fault.clear" && e.Detail.Contains("wifi", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_preset_and_provision_written_through_the_API_configure_a_device_at_its_next_session_and_tag_it()
    {
        await _api.SendAsync(HttpMethod.Put, "api/v1/provisions/interval", _admin, "declare('Device.ManagementServer.PeriodicInformInterval', {value: 1}, {value: args[0]});", "text/javascript");
        var preset = """{"precondition":"DeviceID.ProductClass = \"SIM-GW\"","configurations":[{"type":"provision","name":"interval","args":[1234]},{"type":"add_tag","tag":"provisioned"}]}""";
        Assert.Equal(HttpStatusCode.Created, (await _api.SendAsync(HttpMethod.Put, "api/v1/presets/interval", _admin, preset)).Status);

        var bootstrap = _server.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = _server.Url, Username = bootstrap.Username, Password = bootstrap.Password, PeriodicInterval = TimeSpan.FromHours(1) };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        await using var agent = new CpeAgent(new CpeDataModel(DeviceTemplate.Build(DeviceProfile.Gateway()), new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", "PRV0001", "SIM-GW 1000", "rev-A")), options);
        Assert.True((await agent.RunSessionAsync(CancellationToken.None)).Success);

        Assert.Equal("1234", agent.Model.Get("Device.ManagementServer.PeriodicInformInterval"));
        var id = new DeviceId("00D09E", "SIM-GW", "PRV0001");
        Assert.Contains("provisioned", await _server.Host.Store.GetTagsAsync(id, CancellationToken.None));
        Assert.Empty(await _server.Host.Store.ListChannelFaultsAsync(id, null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_virtual_parameter_computed_in_a_session_is_found_by_filters_and_shown_by_projections()
    {
        const string Script = """
            const serial = declare("Device.DeviceInfo.SerialNumber", {value: 1});
            return {writable: false, value: [serial.value[0] + "-vp", "xsd:string"]};
            """;
        Assert.Equal(HttpStatusCode.Created, (await _api.SendAsync(HttpMethod.Put, "api/v1/virtual-parameters/tagged", _admin, Script, "text/javascript")).Status);
        await _api.SendAsync(HttpMethod.Put, "api/v1/provisions/vp", _admin, "declare('VirtualParameters.tagged', {value: Date.now()});", "text/javascript");
        await _api.SendAsync(HttpMethod.Put, "api/v1/presets/vp", _admin, """{"configurations":[{"type":"provision","name":"vp"}]}""");
        await using var agent = await AgentAsync("PRV0002");
        await using var other = await AgentAsync("PRV0003");

        var filter = Uri.EscapeDataString("VirtualParameters.tagged = \"PRV0002-vp\"");
        var listed = await _api.SendAsync(HttpMethod.Get, $"api/v1/devices?filter={filter}&projection=VirtualParameters.tagged", _admin);

        Assert.Equal(HttpStatusCode.OK, listed.Status);
        var device = Assert.Single(listed.Body["devices"]!.AsArray())!;
        Assert.Equal(new DeviceId("00D09E", "SIM-GW", "PRV0002").ToString(), device["id"]!.GetValue<string>());
        Assert.Equal("PRV0002-vp", device["parameters"]!["VirtualParameters.tagged"]!["value"]!.GetValue<string>());
        var all = await _api.SendAsync(HttpMethod.Get, "api/v1/devices?filter=" + Uri.EscapeDataString("VirtualParameters.tagged LIKE \"PRV%-vp\""), _admin);
        Assert.Equal(2, all.Body["total"]!.GetValue<long>());

        // A precondition still may not look at one: it is computed by the session the preset starts.
        var refused = await _api.SendAsync(HttpMethod.Put, "api/v1/presets/bad", _admin, """{"precondition":"VirtualParameters.tagged = \"x\"","configurations":[]}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task A_task_reads_a_virtual_parameter_by_running_its_script_and_writes_a_writable_one_by_running_it_with_the_value()
    {
        // GenieACS's shape of a writable virtual parameter: args[3] holds the declared value when one is written.
        const string Script = """
            const path = "Device.ManagementServer.PeriodicInformInterval";
            if (args[3].value) {
                declare(path, null, {value: args[3].value[0]});
                return {writable: true, value: [args[3].value[0], "xsd:unsignedInt"]};
            }
            const interval = declare(path, {value: Date.now()});
            return {writable: true, value: [interval.value[0], "xsd:unsignedInt"]};
            """;
        // A loaded machine must not turn the scripts' time limits into the thing tested.
        await using var server = await TestServer.StartAsync(o => o.Scripts = new Acs.Provisioning.Scripts.ScriptLimits { Timeout = TimeSpan.FromSeconds(2), SessionBudget = TimeSpan.FromSeconds(10) });
        using var api = new ApiClient(server);
        var admin = await api.KeyAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(HttpMethod.Put, "api/v1/virtual-parameters/interval", admin, Script, "text/javascript")).Status);
        await using var agent = await AgentAsync(server, "PRV0004");
        var tasks = $"api/v1/devices/{Uri.EscapeDataString(new DeviceId("00D09E", "SIM-GW", "PRV0004").ToString())}/tasks";

        var read = await api.SendAsync(HttpMethod.Post, tasks, admin, """{"name":"getParameterValues","parameterNames":["VirtualParameters.interval"]}""");
        Assert.Equal(HttpStatusCode.Accepted, read.Status);
        Assert.True((await agent.RunSessionAsync(CancellationToken.None)).Success);
        var done = (await server.Host.Store.GetTaskAsync(read.Body["id"]!.GetValue<long>(), CancellationToken.None))!;
        Assert.True(done.Status == DeviceTaskStatus.Done, $"{done.Status}: {done.Fault?.Message}");
        Assert.Equal("""[["VirtualParameters.interval","3600","xsd:unsignedInt"]]""", JsonNode.Parse(done.Result!)!["parameterValues"]!.ToJsonString());

        var write = await api.SendAsync(HttpMethod.Post, tasks, admin, """{"name":"setParameterValues","parameterValues":[["VirtualParameters.interval",1800,"xsd:unsignedInt"]]}""");
        Assert.Equal(HttpStatusCode.Accepted, write.Status);
        Assert.True((await agent.RunSessionAsync(CancellationToken.None)).Success);
        var written = (await server.Host.Store.GetTaskAsync(write.Body["id"]!.GetValue<long>(), CancellationToken.None))!;
        Assert.True(written.Status == DeviceTaskStatus.Done, $"{written.Status}: {written.Fault?.Message}");
        Assert.Equal("1800", agent.Model.Get("Device.ManagementServer.PeriodicInformInterval"));

        // One task is either virtual parameters or the device's own.
        var mixed = await api.SendAsync(HttpMethod.Post, tasks, admin, """{"name":"getParameterValues","parameterNames":["VirtualParameters.interval","Device.DeviceInfo.SerialNumber"]}""");
        Assert.Equal(HttpStatusCode.BadRequest, mixed.Status);
    }

    private Task<CpeAgent> AgentAsync(string serial) => AgentAsync(_server, serial);

    private static async Task<CpeAgent> AgentAsync(TestServer server, string serial)
    {
        var bootstrap = server.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = server.Url, Username = bootstrap.Username, Password = bootstrap.Password, PeriodicInterval = TimeSpan.FromHours(1) };
        options.TrustedCas.AddRange(server.Host.Facts.ClientCertificateAnchors);
        var agent = new CpeAgent(new CpeDataModel(DeviceTemplate.Build(DeviceProfile.Gateway()), new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", serial, "SIM-GW 1000", "rev-A")), options);
        Assert.True((await agent.RunSessionAsync(CancellationToken.None)).Success);
        return agent;
    }

    private static Device Device(DeviceId id) => new() { Id = id, RegisteredAt = DateTimeOffset.UtcNow, LastEvents = "1 BOOT" };

    private static PresetContext Context(string events, string tag) => new(
        Device(new DeviceId("00D09E", "HGW", "PLS0000009")),
        events.Split(','),
        new HashSet<string> { tag },
        _ => null,
        DateTimeOffset.UtcNow);
}
