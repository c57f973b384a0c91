using System.Net;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cpe.Model;
using Palisade.Cwmp.Messages;

namespace Palisade.Server.Tests;

/// <summary>
/// Two nodes on one PostgreSQL (issue 20): one session per device across nodes, tasks and their results across nodes,
/// one audit chain, and a node that dies with a session open. Every wait has a deadline.
/// </summary>
public sealed class MultiNodeTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    // A connection request, one session of a real agent and a NOTIFY take a few seconds on a loaded 2-core machine;
    // this bound leaves room for ten times that, and is still far below the 300 s the API waits without the NOTIFY.
    private static readonly TimeSpan HeardWithin = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_device_in_a_session_on_one_node_is_refused_with_503_and_retry_after_on_the_other_until_it_ends()
    {
        await using var nodes = await TwoNodes.StartAsync();
        using var cpe = await EnrolledAsync(nodes, "SN-LEASE");
        var (onA, onB) = (cpe.OnA, cpe.OnB);

        Assert.Equal(200, (await onA.SendInformAsync()).StatusCode);
        var refused = await onB.SendInformAsync();
        Assert.Equal(503, refused.StatusCode);
        Assert.NotNull(refused.RetryAfter);
        Assert.Contains("another node", refused.Text, StringComparison.Ordinal);
        Assert.Equal(1, nodes.B.Host.Engine.Counters.LeaseConflicts.Value);
        onB.EndSession();

        // The session on A ends (204) and gives the device back: B takes the next one at once.
        Assert.Equal(204, (await onA.EmptyPostAsync()).StatusCode);
        onA.EndSession();
        await onB.RunSessionAsync(null, "2 PERIODIC");
    }

    [Fact]
    public async Task A_session_that_read_the_device_before_another_nodes_session_committed_keeps_what_that_session_wrote()
    {
        await using var nodes = await TwoNodes.StartAsync(gateB: true);
        using var cpe = await EnrolledAsync(nodes, "SN-STALE");
        var (onA, onB) = (cpe.OnA, cpe.OnB);
        var id = new DeviceId("00D09E", "HGW", "SN-STALE");

        // Node B reads the device for a periodic Inform, then waits for its lease ...
        var held = nodes.GateB!.HoldNextLease();
        var periodic = onB.SendInformAsync(Cwmp.CwmpVersion.V1_2, "2 PERIODIC");
        await held.WaitAsync(Deadline);

        // ... while a whole session on node A records a reboot.
        var beforeBoot = (await nodes.A.Host.Store.GetDeviceAsync(id, CancellationToken.None))!.LastBootAt;
        await onA.RunSessionAsync(null, "1 BOOT").WaitAsync(Deadline);
        var booted = (await nodes.A.Host.Store.GetDeviceAsync(id, CancellationToken.None))!.LastBootAt;
        Assert.NotEqual(beforeBoot, booted);

        // Node B's session starts from the device as A's session left it, and its commit keeps the reboot.
        nodes.GateB.Release();
        Assert.Equal(200, (await periodic.WaitAsync(Deadline)).StatusCode);
        Assert.Equal(204, (await onB.EmptyPostAsync()).StatusCode);
        var after = (await nodes.B.Host.Store.GetDeviceAsync(id, CancellationToken.None))!;
        Assert.Equal(booted, after.LastBootAt);
        Assert.Equal("2 PERIODIC", after.LastEvents);
    }

    [Fact]
    public async Task A_task_queued_through_node_As_api_runs_in_a_session_on_node_B()
    {
        await using var nodes = await TwoNodes.StartAsync();
        using var cpe = await EnrolledAsync(nodes, "SN-QUEUE");
        var onB = cpe.OnB;
        using var api = new ApiClient(nodes.A);
        var key = await api.KeyAsync(Roles.Operator);
        var id = new DeviceId("00D09E", "HGW", "SN-QUEUE");

        var queued = await api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Uri.EscapeDataString(id.ToString())}/tasks", key,
            """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.SoftwareVersion"]}""");
        Assert.True(queued.Status is HttpStatusCode.Created or HttpStatusCode.Accepted, queued.Text);

        var seen = await onB.RunSessionAsync(null, "2 PERIODIC");
        Assert.Single(seen, m => m is GetParameterValuesRequest);
        var task = Assert.Single(await nodes.A.Host.Store.ListTasksAsync(id, 10, CancellationToken.None), t => t.Name == "getParameterValues");
        Assert.Equal(DeviceTaskStatus.Done, task.Status);
        Assert.Equal(1, task.Attempts);
    }

    [Fact]
    public async Task A_connection_request_with_a_timeout_on_node_A_returns_the_result_of_the_session_node_B_served()
    {
        await using var nodes = await TwoNodes.StartAsync();
        await using var cr = await ConnectionRequestServer.StartAsync(IPAddress.Loopback, 0, burst: 5, perSecond: 5);
        using var stop = new CancellationTokenSource(HeardWithin + Deadline);

        // The CPE's ACS URL is node B: it enrolls there, and the connection request from node A makes it call B.
        var bootstrap = nodes.B.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = nodes.B.Url, Username = bootstrap.Username, Password = bootstrap.Password, PeriodicInterval = TimeSpan.FromHours(1) };
        options.TrustedCas.AddRange(nodes.B.Host.Facts.ClientCertificateAnchors);
        await using var agent = new CpeAgent(new CpeDataModel(DeviceTemplate.Build(DeviceProfile.Gateway()), new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", "SN-CR", "SIM-GW 1000", "rev-A")), options);
        cr.Register(agent);
        Assert.True((await agent.RunSessionAsync(stop.Token)).Success);
        _ = agent.RunAsync(stop.Token);
        var sessionsOnB = nodes.B.Host.Engine.Counters.SessionsStarted.Value;

        // Node A waits up to 300 s (the API's longest wait) for the outcome. Only B's commit, told to A by NOTIFY, can
        // answer it within HeardWithin: without it A answers when its wait ends, 300 s on.
        using var api = new ApiClient(nodes.A);
        var key = await api.KeyAsync(Roles.Operator);
        var response = await api.SendAsync(HttpMethod.Post, "api/v1/devices/" + Uri.EscapeDataString(new DeviceId("00D09E", "SIM-GW", "SN-CR").ToString()) + "/tasks?connection_request=true&timeout=300", key,
            """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.SerialNumber"]}""").WaitAsync(HeardWithin);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("done", response.Body["status"]!.GetValue<string>());
        Assert.Contains("SN-CR", response.Text, StringComparison.Ordinal);
        Assert.Equal(0, nodes.A.Host.Engine.Counters.SessionsStarted.Value);
        Assert.True(nodes.B.Host.Engine.Counters.SessionsStarted.Value > sessionsOnB, "node B served the session");
    }

    [Fact]
    public async Task The_audit_entries_written_on_both_nodes_form_one_intact_chain()
    {
        await using var nodes = await TwoNodes.StartAsync();
        using var apiA = new ApiClient(nodes.A);
        using var apiB = new ApiClient(nodes.B);
        var keyA = await apiA.KeyAsync(Roles.Admin, name: "a");
        var keyB = await apiB.KeyAsync(Roles.Admin, name: "b");

        var writes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? apiA : apiB).SendAsync(
            HttpMethod.Post, "api/v1/keys", i % 2 == 0 ? keyA : keyB, $$"""{"name":"k{{i}}","role":"viewer"}""")).ToArray()).WaitAsync(Deadline);

        Assert.All(writes, w => Assert.Equal(HttpStatusCode.Created, w.Status));
        var chain = await nodes.B.Host.Store.VerifyAuditAsync(CancellationToken.None);
        Assert.True(chain.Intact, chain.Problem);
        Assert.True(chain.Entries >= 16, $"{chain.Entries} entries");
    }

    [Fact]
    public async Task A_node_that_dies_mid_session_holds_its_device_no_longer_than_the_session_timeout_and_its_task_runs_once_on_the_other()
    {
        // Both nodes read one fake clock, frozen unless the test moves it: the lease's length is checked to the
        // millisecond, however slow the machine (on the real clock a loaded CI could not tell it from luck).
        var timeout = TimeSpan.FromSeconds(2);
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var nodes = await TwoNodes.StartAsync(o =>
        {
            o.Sessions.SessionTimeout = timeout;
            o.Sessions.UnenrolledSessionTimeout = timeout;
        }, time: clock);
        using var cpe = await EnrolledAsync(nodes, "SN-KILL");
        var (onA, onB) = (cpe.OnA, cpe.OnB);
        var id = new DeviceId("00D09E", "HGW", "SN-KILL");
        await nodes.A.Host.Store.AddTaskAsync(id, new NewTask("getParameterValues", """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.SoftwareVersion"]}""", DateTimeOffset.UtcNow, null), CancellationToken.None);

        // Node A takes the device's lease and sends the task, then dies before the CPE answers.
        var leased = clock.GetUtcNow();
        Assert.Equal(200, (await onA.SendInformAsync()).StatusCode);
        Assert.IsType<GetParameterValuesRequest>((await onA.EmptyPostAsync()).Envelope!.Body);
        await nodes.StopAAbruptlyAsync();

        // The CPE retries on node B: refused a millisecond before the dead node's lease runs out ...
        clock.SetUtcNow(leased + timeout - TimeSpan.FromMilliseconds(1));
        var refused = await onB.SendInformAsync();
        Assert.Equal(503, refused.StatusCode);
        Assert.Contains("another node", refused.Text, StringComparison.Ordinal);
        onB.EndSession();

        // ... and served once it has.
        clock.SetUtcNow(leased + timeout);
        Assert.Equal(200, (await onB.SendInformAsync()).StatusCode);
        var rpc = await onB.EmptyPostAsync();
        var get = Assert.IsType<GetParameterValuesRequest>(rpc.Envelope!.Body);
        Assert.Equal(204, (await onB.AnswerAsync(rpc, TestCpe.Default(get))).StatusCode);

        var task = Assert.Single(await nodes.B.Host.Store.ListTasksAsync(id, 10, CancellationToken.None), t => t.Name == "getParameterValues");
        Assert.Equal(DeviceTaskStatus.Done, task.Status);
    }

    [Fact]
    public async Task A_file_transfer_url_and_password_node_A_handed_out_are_good_on_node_B()
    {
        await using var nodes = await TwoNodes.StartAsync();
        Assert.False(File.Exists(Path.Combine(nodes.B.DataDirectory, "pki", Files.FilesFeature.TokenKeyFileName)), "node B was not given node A's token key file");
        var sha = new string('a', 64);
        var token = nodes.A.Host.Files!.Tokens.Mint(upload: false, plaintext: false, 42, "00D09E-HGW-SN-FILE", "fw.bin", sha);

        var parsed = Acs.Files.TransferTokens.Parse(token)!;
        Assert.True(nodes.B.Host.Files!.Tokens.Verify(parsed, "00D09E-HGW-SN-FILE", "fw.bin", sha));
        Assert.True(nodes.B.Host.Files.Tokens.CheckPassword(token, nodes.A.Host.Files.Tokens.PasswordFor(token)));
        Assert.False(nodes.B.Host.Files.Tokens.Verify(parsed, "00D09E-HGW-SN-OTHER", "fw.bin", sha));
    }

    [Fact]
    public async Task A_digest_challenge_from_node_A_is_answered_on_node_B()
    {
        await using var nodes = await TwoNodes.StartAsync();
        using var cpe = await EnrolledAsync(nodes, "SN-NONCE");
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = Security.Pki.Certificates.ServerAuthentication(nodes.A.Host.Facts.ClientCertificateAnchors, false) });
        var inform = Cwmp.Codec.CwmpWriter.ToBytes(new Cwmp.Envelope.CwmpEnvelope(Cwmp.CwmpVersion.V1_2, new Cwmp.Envelope.CwmpHeader { Id = "1" }, TestCpe.BuildInform("SN-NONCE", "2 PERIODIC")));

        using var challenged = await http.PostAsync(nodes.A.Url, new ByteArrayContent(inform)).WaitAsync(Deadline);
        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
        var challenge = Security.Digest.DigestClient.PickChallenge(challenged.Headers.WwwAuthenticate.Select(h => h.ToString()))!;

        // The load balancer sends the answer to node B: it knows node A's nonce (both derive the key from the store key).
        using var answer = new HttpRequestMessage(HttpMethod.Post, nodes.B.Url) { Content = new ByteArrayContent(inform) };
        answer.Headers.TryAddWithoutValidation("Authorization", new Security.Digest.DigestClient(cpe.OnA.Username!, cpe.OnA.Password!).Authorize(challenge, "POST", nodes.B.Url.AbsolutePath));
        using var accepted = await http.SendAsync(answer).WaitAsync(Deadline);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task MoveToHttps_works_when_the_probe_reaches_one_node_and_the_transfer_complete_another()
    {
        await using var nodes = await TwoNodes.StartAsync();
        using var cpe = await EnrolledAsync(nodes, "SN-MOVE");
        var id = new DeviceId("00D09E", "HGW", "SN-MOVE");
        var definition = Acs.Tasks.TaskJson.Parse($$"""{"name":"moveToHttps","url":"{{nodes.A.Url}}"}""");
        var task = await nodes.A.Host.Store.AddTaskAsync(id, new NewTask(definition.Name, Acs.Tasks.TaskJson.Serialize(definition), DateTimeOffset.UtcNow, null), CancellationToken.None);

        // Node A mints the probe in a session of its own.
        var seen = await cpe.OnA.RunSessionAsync(r => r is UploadRequest ? new UploadResponse(1, Cwmp.Values.CwmpDateTime.Unknown, Cwmp.Values.CwmpDateTime.Unknown) : TestCpe.Default(r)).WaitAsync(Deadline);
        var upload = Assert.IsType<UploadRequest>(Assert.Single(seen));

        // The upload reaches node B.
        var probe = new UriBuilder(upload.Url) { Port = nodes.B.Url.Port }.Uri;
        using (var http = new HttpClient(new SocketsHttpHandler { SslOptions = Security.Pki.Certificates.ServerAuthentication(nodes.B.Host.Facts.ClientCertificateAnchors, false) }))
        using (var put = await http.PutAsync(probe, new StringContent("vendor log")).WaitAsync(Deadline))
        {
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        // The TransferComplete reaches node B too, in the device's next session: the move goes on there.
        var onB = cpe.OnB;
        Assert.Equal(200, (await onB.SendInformAsync(Cwmp.CwmpVersion.V1_4, "7 TRANSFER COMPLETE", "M Upload")).StatusCode);
        var reply = await onB.SendAsync(Cwmp.Envelope.CwmpEnvelope.For(Cwmp.CwmpVersion.V1_4, "tc",
            new TransferCompleteRequest(upload.CommandKey, new Cwmp.Structs.TransferFault(0, string.Empty), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)));
        Assert.IsType<TransferCompleteResponse>(reply.Envelope!.Body);
        reply = await onB.EmptyPostAsync();
        var set = Assert.IsType<SetParameterValuesRequest>(reply.Envelope!.Body);
        Assert.Equal("Device.ManagementServer.URL", set.ParameterList.Single().Name);
        Assert.Equal(204, (await onB.AnswerAsync(reply, new SetParameterValuesResponse(0))).StatusCode);
        Assert.Equal(DeviceTaskStatus.Done, (await nodes.A.Host.Store.GetTaskAsync(task.Id, CancellationToken.None))!.Status);
    }

    // A CPE enrolled through node A, and the same CPE (its credentials) pointed at node B.
    private static async Task<CpePair> EnrolledAsync(TwoNodes nodes, string serial)
    {
        var onA = TestCpe.Bootstrap(nodes.A, serial);
        await onA.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT").WaitAsync(Deadline);
        Assert.NotNull(onA.Username);
        return new CpePair(onA, new TestCpe(nodes.B, serial, onA.Username, onA.Password));
    }

    private sealed record CpePair(TestCpe OnA, TestCpe OnB) : IDisposable
    {
        public void Dispose()
        {
            OnA.Dispose();
            OnB.Dispose();
        }
    }
}
