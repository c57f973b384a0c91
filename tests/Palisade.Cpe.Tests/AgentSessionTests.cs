using Palisade.Acs.Storage;
using Palisade.Cwmp.Events;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

public sealed class AgentSessionTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_agent_bootstraps_enrolls_and_then_informs_with_its_own_credentials()
    {
        await using var agent = NewAgent(_server, "AG0001");
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.Bootstrap);
        await SessionOkAsync(agent);
        Assert.NotEqual(_server.Host.Facts.Bootstrap!.Password, agent.State.Password);
        Assert.Equal(Id(agent).ToString(), agent.State.Username);
        Assert.NotNull(agent.ConnectionRequestCredentials);

        var device = await DeviceAsync(_server, agent);
        Assert.True(device.Credentials.Enrolled);
        Assert.Equal("1.0.0", device.SoftwareVersion);
        Assert.Equal("Device.", device.DataModelRoot);

        await SessionOkAsync(agent);
        Assert.Contains(EventCodes.Periodic, (await DeviceAsync(_server, agent)).LastEvents, StringComparison.Ordinal);
        Assert.Equal("digest-sha256", (await DeviceAsync(_server, agent)).AuthMethod);
    }

    [Fact]
    public async Task Every_task_kind_is_answered_from_the_data_model()
    {
        await using var agent = NewAgent(_server, "AG0002");
        await SessionOkAsync(agent);
        var tasks = new[]
        {
            await QueueAsync(_server, agent, """{"name":"getParameterNames","parameterPath":"Device.WiFi.","nextLevel":true}"""),
            await QueueAsync(_server, agent, """{"name":"getParameterValues","parameterNames":["Device.WiFi.SSID.1."]}"""),
            await QueueAsync(_server, agent, """{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.SSID","from-acs","xsd:string"],["Device.WiFi.SSID.1.Enable","false","xsd:boolean"]]}"""),
            await QueueAsync(_server, agent, """{"name":"getParameterAttributes","parameterNames":["Device.WiFi.SSID.1.SSID"]}"""),
            await QueueAsync(_server, agent, """{"name":"setParameterAttributes","parameterAttributes":[{"name":"Device.WiFi.SSID.1.SSID","notification":1}]}"""),
            await QueueAsync(_server, agent, """{"name":"addObject","objectName":"Device.WiFi.SSID."}"""),
            await QueueAsync(_server, agent, """{"name":"deleteObject","objectName":"Device.WiFi.SSID.2."}"""),
            await QueueAsync(_server, agent, """{"name":"scheduleInform","delaySeconds":3600}"""),
        };
        await SessionOkAsync(agent);

        foreach (var task in tasks)
        {
            var stored = await TaskAsync(_server, task);
            Assert.True(stored.Status == DeviceTaskStatus.Done, $"{stored.Name}: {stored.Status} {stored.Fault}");
        }

        Assert.Equal("from-acs", agent.Model.Get("Device.WiFi.SSID.1.SSID"));
        Assert.Equal("false", agent.Model.Get("Device.WiFi.SSID.1.Enable"));
        Assert.NotNull(agent.Model.Get("Device.WiFi.SSID.3.Enable"));
        Assert.Null(agent.Model.Get("Device.WiFi.SSID.2.Enable"));
        Assert.Contains("\"instanceNumber\":3", (await TaskAsync(_server, tasks[5])).Result, StringComparison.Ordinal);

        var cached = await _server.Host.Store.GetParametersAsync(Id(agent), "Device.WiFi.", CancellationToken.None);
        Assert.Contains(cached, p => p.Path == "Device.WiFi.SSID." && p.Writable == true);
        Assert.Contains(cached, p => p.Path == "Device.WiFi.SSID.1.MACAddress" && p.Value == agent.Model.Get("Device.WiFi.SSID.1.MACAddress"));
        Assert.Contains(cached, p => p.Path == "Device.WiFi.SSID.1.SSID" && p.Value == "from-acs" && p.Notification == 1);
        Assert.DoesNotContain(cached, p => p.Path.StartsWith("Device.WiFi.SSID.2.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_set_with_one_bad_value_changes_nothing_and_the_fault_names_each_parameter()
    {
        await using var agent = NewAgent(_server, "AG0003");
        await SessionOkAsync(agent);
        var before = agent.Model.Get("Device.WiFi.SSID.1.SSID");
        var task = await QueueAsync(_server, agent, """{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.SSID","ok","xsd:string"],["Device.WiFi.SSID.1.Enable","perhaps","xsd:string"],["Device.WiFi.SSID.1.MACAddress","02:00:00:00:00:01","xsd:string"]]}""");
        await SessionOkAsync(agent);

        var stored = await TaskAsync(_server, task);
        Assert.Equal(DeviceTaskStatus.Faulted, stored.Status);
        Assert.Equal(9003, stored.Fault!.Code);
        Assert.Contains("\"faultCode\":9006", stored.Fault.Detail, StringComparison.Ordinal);
        Assert.Contains("\"faultCode\":9008", stored.Fault.Detail, StringComparison.Ordinal);
        Assert.Equal(before, agent.Model.Get("Device.WiFi.SSID.1.SSID"));
    }

    [Fact]
    public async Task Reboot_reports_boot_and_m_reboot_with_the_command_key()
    {
        await using var agent = NewAgent(_server, "AG0004");
        await SessionOkAsync(agent);
        var task = await QueueAsync(_server, agent, """{"name":"reboot"}""");
        await SessionOkAsync(agent);
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.Boot);
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.MReboot && e.CommandKey == "task-" + task.Id);

        await SessionOkAsync(agent);
        var device = await DeviceAsync(_server, agent);
        Assert.Contains("M Reboot", device.LastEvents, StringComparison.Ordinal);
        Assert.True(agent.Model.UpTimeSeconds < 5);
    }

    [Fact]
    public async Task Factory_reset_returns_to_the_bootstrap_credential_which_the_acs_no_longer_accepts()
    {
        await using var agent = NewAgent(_server, "AG0005");
        await SessionOkAsync(agent);
        await agent.RunSessionAsync(CancellationToken.None);
        await QueueAsync(_server, agent, """{"name":"factoryReset"}""");
        await SessionOkAsync(agent);
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.Bootstrap);
        Assert.Equal(_server.Host.Facts.Bootstrap!.Username, agent.State.Username);

        // Enrolled devices never get back in on the bootstrap credential: an operator re-admits them.
        var outcome = await agent.RunSessionAsync(CancellationToken.None);
        Assert.Equal("auth", outcome.ErrorKind);
    }

    [Fact]
    public async Task The_acs_url_changes_only_to_an_allowed_https_host_and_then_bootstraps_there()
    {
        await using var agent = NewAgent(_server, "AG0006", o => o.AllowedAcsHosts.Add("localhost"));
        await SessionOkAsync(agent);
        var evil = await QueueAsync(_server, agent, """{"name":"setParameterValues","parameterValues":[["Device.ManagementServer.URL","https://acs.attacker.example/","xsd:string"]]}""");
        var plain = await QueueAsync(_server, agent, """{"name":"setParameterValues","parameterValues":[["Device.ManagementServer.URL","http://localhost:7547/","xsd:string"]]}""");
        await SessionOkAsync(agent);
        Assert.Equal(DeviceTaskStatus.Faulted, (await TaskAsync(_server, evil)).Status);
        Assert.Contains("9007", (await TaskAsync(_server, evil)).Fault!.Detail, StringComparison.Ordinal);
        Assert.Equal(DeviceTaskStatus.Faulted, (await TaskAsync(_server, plain)).Status);
        Assert.Equal(_server.Url.ToString(), agent.State.AcsUrl);

        var moved = new UriBuilder(_server.Url) { Host = "localhost" }.Uri.ToString();
        var ok = await QueueAsync(_server, agent, $$"""{"name":"setParameterValues","parameterValues":[["Device.ManagementServer.URL","{{moved}}","xsd:string"]]}""");
        await SessionOkAsync(agent);
        Assert.Equal(DeviceTaskStatus.Done, (await TaskAsync(_server, ok)).Status);
        Assert.Equal(moved, agent.State.AcsUrl);
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.Bootstrap);

        var before = (await DeviceAsync(_server, agent)).LastBootstrapAt;
        await SessionOkAsync(agent);
        Assert.NotEqual(before, (await DeviceAsync(_server, agent)).LastBootstrapAt);
    }

    [Fact]
    public async Task An_active_notification_brings_a_value_change_session_with_the_new_value()
    {
        await using var agent = NewAgent(_server, "AG0007");
        await SessionOkAsync(agent);
        await QueueAsync(_server, agent, """{"name":"setParameterAttributes","parameterAttributes":[{"name":"Device.WiFi.SSID.1.SSID","notification":2}]}""");
        await SessionOkAsync(agent);

        agent.Model.SetLocal("Device.WiFi.SSID.1.SSID", "renamed-at-home");
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.ValueChange);
        await SessionOkAsync(agent);
        var cached = await _server.Host.Store.GetParametersAsync(Id(agent), "Device.WiFi.SSID.1.SSID", CancellationToken.None);
        Assert.Equal("renamed-at-home", Assert.Single(cached).Value);
        Assert.Contains("4 VALUE CHANGE", (await DeviceAsync(_server, agent)).LastEvents, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_retry_wait_follows_the_spec_formula()
    {
        await using var agent = NewAgent(_server, "AG0008");
        for (var n = 1; n <= 12; n++)
        {
            var wait = agent.RetryWait(n).TotalSeconds;
            var k = Math.Min(n, 10);
            Assert.InRange(wait, 5 * Math.Pow(2, k - 1), 5 * Math.Pow(2, k));
        }
    }

    [Fact]
    public async Task A_shed_session_waits_the_retry_back_off_and_never_less_than_the_acs_asked()
    {
        await using var agent = NewAgent(_server, "AG0009");

        // A short Retry-After does not bring the device back before its own back-off (5–10 s for a first retry)...
        var shortAsk = agent.WaitAfter(Palisade.Cpe.Agent.SessionOutcome.Fail("busy", "shed", TimeSpan.FromSeconds(1))).TotalSeconds;
        Assert.InRange(shortAsk, 5, 10);

        // ...and a long one is honoured whole.
        Assert.Equal(TimeSpan.FromMinutes(2), agent.WaitAfter(Palisade.Cpe.Agent.SessionOutcome.Fail("busy", "shed", TimeSpan.FromMinutes(2))));
        Assert.InRange(agent.WaitAfter(Palisade.Cpe.Agent.SessionOutcome.Fail("timeout", "no answer")).TotalSeconds, 5, 10);
    }

    [Fact]
    public async Task A_tr098_gateway_enrolls_under_InternetGatewayDevice()
    {
        var template = Palisade.Cpe.Model.DeviceTemplate.Build(Palisade.Cpe.Model.DeviceProfile.Gateway("tr098"));
        var bootstrap = _server.Host.Facts.Bootstrap!;
        var options = new Palisade.Cpe.Agent.AgentOptions { AcsUrl = _server.Url, Username = bootstrap.Username, Password = bootstrap.Password };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        await using var agent = new Palisade.Cpe.Agent.CpeAgent(
            new Palisade.Cpe.Model.CpeDataModel(template, new Palisade.Cpe.Model.DeviceIdentity("M", "00D09E", "SIM-GW", "IGD0001", "IGD", "A")), options);
        await SessionOkAsync(agent);
        await SessionOkAsync(agent);
        var device = await DeviceAsync(_server, agent);
        Assert.Equal("InternetGatewayDevice.", device.DataModelRoot);
        Assert.True(device.Credentials.Enrolled);
        Assert.Equal(device.Id.ToString(), agent.Model.GetStored("InternetGatewayDevice.ManagementServer.Username"));
    }
}
