using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>Complete CWMP sessions over TLS against the real server on 127.0.0.1.</summary>
public sealed class SessionTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Finished_tasks_past_the_task_history_are_deleted_at_start_and_queued_ones_kept()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-HISTORY");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");
        var id = (await Device(cpe)).Id;
        var store = _server.Host.Store;
        var now = DateTimeOffset.UtcNow;
        async Task<DeviceTask> CancelledAsync(TimeSpan ago)
        {
            var task = await store.AddTaskAsync(id, new NewTask("reboot", """{"name":"reboot"}""", now - ago, null), CancellationToken.None);
            Assert.True(await store.CancelTaskAsync(task.Id, now - ago, CancellationToken.None));
            return task;
        }

        var old = await CancelledAsync(TimeSpan.FromDays(40));
        var recent = await CancelledAsync(TimeSpan.FromDays(1));
        var queued = await store.AddTaskAsync(id, new NewTask("reboot", """{"name":"reboot"}""", now - TimeSpan.FromDays(60), null), CancellationToken.None);

        // The default history is 30 days; the server prunes at start (then hourly), in the background.
        // The prune is background work of the restarted server; the line it logs once it has deleted is its signal.
        await _server.RestartAsync();
        await Eventually.HoldsAsync(() => _server.Logs.All.Contains("task history: 1 tasks finished over 30 days ago deleted", StringComparison.Ordinal),
            "the prune at start", TimeSpan.FromSeconds(60));

        Assert.Null(await _server.Host.Store.GetTaskAsync(old.Id, CancellationToken.None));
        Assert.NotNull(await _server.Host.Store.GetTaskAsync(recent.Id, CancellationToken.None));
        Assert.Equal(DeviceTaskStatus.Queued, (await _server.Host.Store.GetTaskAsync(queued.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Bootstrap_enrolls_the_device_with_unique_credentials_in_the_same_session()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-ENROLL");
        var requests = await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");

        var enrollment = Assert.IsType<SetParameterValuesRequest>(requests[0]);
        Assert.Equal(["Device.ManagementServer.Username", "Device.ManagementServer.Password"], enrollment.ParameterList.Select(p => p.Name));
        Assert.Equal(cpe.DeviceId, cpe.Username);
        Assert.True(cpe.Password!.Length >= 24);
        Assert.NotNull(cpe.ConnectionRequestUsername);

        var device = await Device(cpe);
        Assert.True(device.Credentials.Enrolled);
        Assert.Equal(cpe.DeviceId, device.Credentials.Username);
        Assert.Equal(AuthMethods.Bootstrap, device.AuthMethod);
        Assert.Equal("https", device.Transport);
        Assert.Equal("1.4", device.CwmpVersion);
        Assert.NotNull(device.LastBootstrapAt);
        Assert.NotNull(device.LastBootAt);
        Assert.Equal("1.0.0", device.SoftwareVersion);
        Assert.Equal((uint)3600, device.PeriodicInformInterval);
        Assert.Equal(cpe.ConnectionRequestUsername, device.ConnectionRequest!.Username);

        var parameters = await _server.Host.Store.GetParametersAsync(device.Id, "Device.DeviceInfo.", CancellationToken.None);
        Assert.Contains(parameters, p => p.Path == "Device.DeviceInfo.SoftwareVersion" && p.Value == "1.0.0" && p.Type == "string");

        // The new password works; the ACS's log never saw it.
        var second = await cpe.RunSessionAsync();
        Assert.Empty(second);
        Assert.DoesNotContain(cpe.Password, _server.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Host.Facts.Bootstrap!.Password, _server.Logs.All, StringComparison.Ordinal);
        Assert.Contains("outcome=ok", _server.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queued_tasks_run_in_order_with_results_and_faults_recorded_and_survive_a_restart()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-TASKS");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");
        var id = (await Device(cpe)).Id;

        var tasks = new[]
        {
            """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.UpTime"]}""",
            """{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.SSID","home","xsd:string"]]}""",
            """{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.Enable","maybe","xsd:string"]]}""",
            """{"name":"addObject","objectName":"Device.IP.Interface."}""",
            """{"name":"deleteObject","objectName":"Device.IP.Interface.2."}""",
            """{"name":"reboot"}""",
            """{"name":"download","fileType":"1 Firmware Upgrade Image","url":"https://files.example.net/fw.bin","fileSize":1024}""",
        };
        var queued = new List<DeviceTask>();
        foreach (var json in tasks)
        {
            var definition = TaskJson.Parse(json);
            queued.Add(await _server.Host.Store.AddTaskAsync(id, new NewTask(definition.Name, TaskJson.Serialize(definition), DateTimeOffset.UtcNow, null), CancellationToken.None));
        }

        await _server.RestartAsync();
        using var again = new TestCpe(_server, "SN-TASKS", cpe.Username, cpe.Password);
        var seen = await again.RunSessionAsync(request => request is SetParameterValuesRequest { ParameterList: [{ Name: "Device.WiFi.SSID.1.Enable" }] }
            ? new CwmpFault(9007, "Invalid parameter value", [new SetParameterValuesFault("Device.WiFi.SSID.1.Enable", 9007, "not a boolean")])
            : TestCpe.Default(request));

        Assert.Equal(
            ["GetParameterValues", "SetParameterValues", "SetParameterValues", "AddObject", "DeleteObject", "Reboot", "Download"],
            seen.Select(m => m.MethodName));
        Assert.Equal("task-" + queued[5].Id, Assert.IsType<RebootRequest>(seen[5]).CommandKey);

        var stored = (await _server.Host.Store.ListTasksAsync(id, 100, CancellationToken.None)).OrderBy(t => t.Id).ToList();
        Assert.Equal(
            [DeviceTaskStatus.Done, DeviceTaskStatus.Done, DeviceTaskStatus.Faulted, DeviceTaskStatus.Done, DeviceTaskStatus.Done, DeviceTaskStatus.Done, DeviceTaskStatus.Done],
            stored.Select(t => t.Status));
        Assert.Equal(9007, stored[2].Fault!.Code);
        Assert.Contains("not a boolean", stored[2].Fault!.Detail, StringComparison.Ordinal);
        Assert.Contains("\"instanceNumber\":3", stored[3].Result, StringComparison.Ordinal);
        Assert.Contains("pending", stored[6].Result, StringComparison.Ordinal);

        var parameters = await _server.Host.Store.GetParametersAsync(id, null, CancellationToken.None);
        Assert.Contains(parameters, p => p.Path == "Device.DeviceInfo.UpTime" && p.Value == "value-of-Device.DeviceInfo.UpTime");
        Assert.Contains(parameters, p => p.Path == "Device.WiFi.SSID.1.SSID" && p.Value == "home");
        Assert.DoesNotContain(parameters, p => p.Path == "Device.WiFi.SSID.1.Enable");
        Assert.Contains(parameters, p => p.Path == "Device.IP.Interface.3.");

        // The download completes later: TransferComplete with the task's command key closes it with the outcome.
        var reply = await again.SendInformAsync(CwmpVersion.V1_4, "7 TRANSFER COMPLETE", "M Download");
        Assert.Equal(200, reply.StatusCode);
        reply = await again.SendAsync(Palisade.Cwmp.Envelope.CwmpEnvelope.For(CwmpVersion.V1_4, "tc-1",
            new TransferCompleteRequest("task-" + queued[6].Id, new TransferFault(9010, "download failed"), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)));
        Assert.IsType<TransferCompleteResponse>(reply.Envelope!.Body);
        Assert.Equal(204, (await again.EmptyPostAsync()).StatusCode);
        var download = await _server.Host.Store.GetTaskAsync(queued[6].Id, CancellationToken.None);
        Assert.Equal(DeviceTaskStatus.Faulted, download!.Status);
        Assert.Equal(9010, download.Fault!.Code);
    }

    [Fact]
    public async Task A_move_to_https_happens_only_when_the_probe_arrived_and_a_repeated_transfer_complete_changes_nothing()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-MOVE");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
        var id = (await Device(cpe)).Id;
        using var again = new TestCpe(_server, "SN-MOVE", cpe.Username, cpe.Password);

        async Task<(DeviceTask Task, UploadRequest Upload)> QueueMoveAsync()
        {
            var definition = TaskJson.Parse($$"""{"name":"moveToHttps","url":"{{_server.Url}}"}""");
            var task = await _server.Host.Store.AddTaskAsync(id, new NewTask(definition.Name, TaskJson.Serialize(definition), DateTimeOffset.UtcNow, null), CancellationToken.None);
            var seen = await again.RunSessionAsync(request => request is UploadRequest ? new UploadResponse(1, CwmpDateTime.Unknown, CwmpDateTime.Unknown) : TestCpe.Default(request));
            var upload = Assert.IsType<UploadRequest>(Assert.Single(seen));
            Assert.Equal("2 Vendor Log File", upload.FileType);
            Assert.StartsWith(new Uri(_server.Url, "/palisade/reachability/").ToString(), upload.Url, StringComparison.Ordinal);
            return (task, upload);
        }

        // A session reporting the upload as done; returns what the ACS asked for after it.
        async Task<List<CwmpMessage>> ReportAsync(UploadRequest upload)
        {
            Assert.Equal(200, (await again.SendInformAsync(CwmpVersion.V1_4, "7 TRANSFER COMPLETE", "M Upload")).StatusCode);
            var reply = await again.SendAsync(Palisade.Cwmp.Envelope.CwmpEnvelope.For(CwmpVersion.V1_4, "tc",
                new TransferCompleteRequest(upload.CommandKey, new TransferFault(0, string.Empty), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)));
            Assert.IsType<TransferCompleteResponse>(reply.Envelope!.Body);
            var acs = new List<CwmpMessage>();
            for (reply = await again.EmptyPostAsync(); !reply.EndsSession; reply = await again.AnswerAsync(reply, TestCpe.Default(reply.Envelope!.Body!)))
            {
                acs.Add(reply.Envelope!.Body!);
            }

            again.EndSession();
            return acs;
        }

        // The CPE claims success but nothing arrived: the URL is not touched.
        var (lie, lieUpload) = await QueueMoveAsync();
        Assert.Empty(await ReportAsync(lieUpload));
        var faulted = (await _server.Host.Store.GetTaskAsync(lie.Id, CancellationToken.None))!;
        Assert.Equal(DeviceTaskStatus.Faulted, faulted.Status);
        Assert.Contains("never arrived", faulted.Fault!.Message, StringComparison.Ordinal);
        Assert.Null((await Device(cpe)).AcsUrlSetAt);

        // The probe really arrives over TLS: the next report gets the new URL, and a repeated report changes nothing.
        var (move, upload) = await QueueMoveAsync();
        using (var http = new HttpClient(new SocketsHttpHandler { SslOptions = Palisade.Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, false) }))
        using (var put = await http.PutAsync(upload.Url, new StringContent("vendor log")))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, put.StatusCode);
        }

        var set = Assert.IsType<SetParameterValuesRequest>(Assert.Single(await ReportAsync(upload)));
        Assert.Equal(("Device.ManagementServer.URL", _server.Url.ToString()), (set.ParameterList.Single().Name, set.ParameterList.Single().Value.Text));
        Assert.Equal(DeviceTaskStatus.Done, (await _server.Host.Store.GetTaskAsync(move.Id, CancellationToken.None))!.Status);
        Assert.Empty(await ReportAsync(upload));
        var done = (await _server.Host.Store.GetTaskAsync(move.Id, CancellationToken.None))!;
        Assert.Equal(DeviceTaskStatus.Done, done.Status);
        Assert.Contains("\"moved\"", done.Result, StringComparison.Ordinal);
        Assert.NotNull((await Device(cpe)).AcsUrlSetAt);
    }

    [Fact]
    public async Task Cpe_requests_are_answered_before_the_acs_sends_its_own()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-CPEREQ");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
        using var again = new TestCpe(_server, "SN-CPEREQ", cpe.Username, cpe.Password);
        Assert.Equal(200, (await again.SendInformAsync()).StatusCode);
        var methods = await again.SendAsync(Palisade.Cwmp.Envelope.CwmpEnvelope.For(CwmpVersion.V1_4, "m1", new GetRPCMethodsRequest()));
        var list = Assert.IsType<GetRPCMethodsResponse>(methods.Envelope!.Body).MethodList;
        Assert.Contains("Inform", list);
        Assert.Contains("TransferComplete", list);
        var kicked = await again.SendAsync(Palisade.Cwmp.Envelope.CwmpEnvelope.For(CwmpVersion.V1_4, "k1", new KickedRequest("cmd", "ref", "arg", "https://portal.example/next")));
        Assert.Equal("https://portal.example/next", Assert.IsType<KickedResponse>(kicked.Envelope!.Body).NextUrl);
        var download = await again.SendAsync(Palisade.Cwmp.Envelope.CwmpEnvelope.For(CwmpVersion.V1_4, "r1", new RequestDownloadRequest("1 Firmware Upgrade Image", [])));
        Assert.IsType<RequestDownloadResponse>(download.Envelope!.Body);
        Assert.Equal(204, (await again.EmptyPostAsync()).StatusCode);
    }

    [Theory]
    [InlineData(CwmpVersion.V1_0)]
    [InlineData(CwmpVersion.V1_1)]
    [InlineData(CwmpVersion.V1_2)]
    public async Task The_acs_answers_in_the_version_the_cpe_speaks(CwmpVersion version)
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-V" + (int)version);
        var reply = await cpe.SendInformAsync(version, "0 BOOTSTRAP");
        Assert.Equal(200, reply.StatusCode);
        Assert.Equal(version, reply.Envelope!.Version);
        Assert.Equal("inform-1", reply.Envelope.Header.Id);
        Assert.Equal((uint)1, Assert.IsType<InformResponse>(reply.Envelope.Body).MaxEnvelopes);
        reply = await cpe.EmptyPostAsync();
        Assert.Equal(version, reply.Envelope!.Version);
    }

    private async Task<Device> Device(TestCpe cpe)
    {
        Assert.True(DeviceId.TryParse(cpe.DeviceId, out var id));
        return (await _server.Host.Store.GetDeviceAsync(id, CancellationToken.None))!;
    }
}
