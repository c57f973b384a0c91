using System.Net;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cwmp.Events;
using Palisade.Testing;
using Palisade.Xmpp;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>
/// XMPP connection requests (TR-069 Annex K) through the real prosody test.sh starts: the ACS logs in as <c>acs</c>, the
/// agents of this class as <c>cpe3</c> and <c>cpe4</c> (two more report Jabber IDs the ACS must not serve), the stranger as <c>intruder</c>.
/// </summary>
public sealed class XmppConnectionRequestTests : IAsyncLifetime
{
    // Real sockets through a real XMPP server on a loaded CI machine: generous.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.Xmpp = TestXmpp.Options("acs"));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_task_with_a_connection_request_reaches_a_device_only_xmpp_can_reach_and_completes()
    {
        await using var agent = NewAgent(_server, "XMPP0001");

        // The HTTP connection-request URL the device reports leads nowhere (the port is closed).
        agent.SetConnectionRequestUrl($"http://127.0.0.1:{ClosedPort()}/cr");
        agent.SetAllowedJabberIds([TestXmpp.Jid("acs").Bare]);
        await using var listener = new XmppConnectionRequestListener(agent, TestXmpp.Options("cpe3"));
        listener.Start();
        var bound = await listener.Client.ConnectedAsync(Cancel());
        Assert.Equal(bound.Jid.ToString(), agent.Model.Get("Device.ManagementServer.ConnReqJabberID"));

        // Its first session reports the JID (and takes connection-request credentials from the ACS); then it sleeps an hour.
        using var stop = new CancellationTokenSource();
        var running = agent.RunAsync(stop.Token);
        try
        {
            await EventuallyAsync(
                async () => (await _server.Host.Store.GetParametersAsync(Id(agent), "Device.ManagementServer.ConnReqJabberID", CancellationToken.None)).Any(p => p.Value == bound.Jid.ToString())
                    && agent.ConnectionRequestCredentials is not null,
                "the Inform with ConnReqJabberID",
                seconds: 60);
            await _server.Host.Xmpp!.Client.ConnectedAsync(Cancel());

            var (status, body) = await TaskWithConnectionRequestAsync(agent);
            Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
            var outcome = body["connectionRequest"]!;
            Assert.Equal("sent-xmpp", outcome["result"]!.GetValue<string>());
            Assert.Equal("xmpp-sent", outcome["reason"]!.GetValue<string>());
            var attempts = outcome["attempts"]!.AsArray().Select(a => (a!["via"]!.GetValue<string>(), a["reason"]!.GetValue<string>())).ToList();
            Assert.Equal("http", attempts[0].Item1);
            Assert.NotEqual("accepted", attempts[0].Item2);
            Assert.Equal(("xmpp", "xmpp-sent"), attempts[^1]);
            Assert.Equal("done", body["status"]!.GetValue<string>());
            Assert.Contains("XMPP0001", body["result"]!.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(1, listener.Accepted);
            Assert.Equal(1, _server.Host.ConnectionRequester.XmppSent);
        }
        finally
        {
            await stop.CancelAsync();
            await running.WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task Only_an_allowed_sender_with_the_right_credentials_gets_a_session()
    {
        await using var agent = NewAgent(_server, "XMPP0002", o =>
        {
            o.ConnectionRequestUsername = "cr-user";
            o.ConnectionRequestPassword = "cr-password";
        });
        var acs = TestXmpp.Jid("acs");
        agent.SetAllowedJabberIds([acs.Bare]);
        await using var listener = new XmppConnectionRequestListener(agent, TestXmpp.Options("cpe4"));
        listener.Start();
        var device = await listener.Client.ConnectedAsync(Cancel());

        // A stranger who knows the credentials is not in ConnReqAllowedJabberIDs: refused, no session.
        await using (var intruder = await XmppConnection.ConnectAsync(TestXmpp.Options("intruder"), null, Cancel()))
        {
            var refused = await intruder.RequestAsync(ConnectionRequestIq.Build(device.Jid, "cr-user", "cr-password"), Patience, Cancel());
            Assert.Equal("service-unavailable", ConnectionRequestIq.ErrorCondition(refused));
        }

        Assert.DoesNotContain(agent.PendingEvents, e => e.EventCode == EventCodes.ConnectionRequest);

        // The ACS's account with a wrong password: not-authorized, no session; with the right one: a result and event 6.
        await using var allowed = await XmppConnection.ConnectAsync(TestXmpp.Options("acs"), null, Cancel());
        var wrong = await allowed.RequestAsync(ConnectionRequestIq.Build(device.Jid, "cr-user", "guess"), Patience, Cancel());
        Assert.Equal("not-authorized", ConnectionRequestIq.ErrorCondition(wrong));
        Assert.DoesNotContain(agent.PendingEvents, e => e.EventCode == EventCodes.ConnectionRequest);
        Assert.Equal(2, listener.Refused);

        var accepted = await allowed.RequestAsync(ConnectionRequestIq.Build(device.Jid, "cr-user", "cr-password"), Patience, Cancel());
        Assert.Equal("result", (string?)accepted.Attribute("type"));
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.ConnectionRequest);
        Assert.Equal(1, listener.Accepted);
    }

    [Fact]
    public async Task A_jabber_id_outside_the_acs_domain_or_of_the_acs_itself_gets_no_request()
    {
        // Hostile devices report Jabber IDs the ACS must not send their credentials to: another (federated) domain,
        // and the ACS's own account. Neither is sent; each is an xmpp attempt refused-address, logged without credentials.
        var foreign = "cpe5@elsewhere.example/cwmp";
        var own = TestXmpp.Jid("acs").ToString();
        await using var far = NewAgent(_server, "XMPP0003");
        await using var self = NewAgent(_server, "XMPP0004");
        using var stop = new CancellationTokenSource();
        var running = new List<Task>();
        try
        {
            foreach (var (agent, jid) in new[] { (far, foreign), (self, own) })
            {
                agent.SetConnectionRequestUrl($"http://127.0.0.1:{ClosedPort()}/cr");
                agent.XmppBound(jid);
                running.Add(agent.RunAsync(stop.Token));
            }

            await _server.Host.Xmpp!.Client.ConnectedAsync(Cancel());
            foreach (var (agent, jid) in new[] { (far, foreign), (self, own) })
            {
                await EventuallyAsync(
                    async () => (await _server.Host.Store.GetParametersAsync(Id(agent), "Device.ManagementServer.ConnReqJabberID", CancellationToken.None)).Any(p => p.Value == jid)
                        && agent.ConnectionRequestCredentials is not null,
                    "the Inform with ConnReqJabberID " + jid,
                    seconds: 60);

                var (status, body) = await TaskWithConnectionRequestAsync(agent, timeout: 0);
                Assert.True(status == HttpStatusCode.Accepted, body.ToJsonString());
                var outcome = body["connectionRequest"]!;
                Assert.Equal("unreachable", outcome["result"]!.GetValue<string>());
                var attempts = outcome["attempts"]!.AsArray().Select(a => (a!["via"]!.GetValue<string>(), a["reason"]!.GetValue<string>())).ToList();
                Assert.Equal(("xmpp", "refused-address"), attempts[^1]);
                Assert.Equal("refused-address", outcome["reason"]!.GetValue<string>());
            }

            Assert.Equal(0, _server.Host.ConnectionRequester.XmppSent);
            Assert.Contains(_server.Logs.Lines, l => l.Contains(Id(far).ToString(), StringComparison.Ordinal) && l.Contains("elsewhere.example", StringComparison.Ordinal) && l.Contains("OtherDomain", StringComparison.Ordinal));
            Assert.Contains(_server.Logs.Lines, l => l.Contains(Id(self).ToString(), StringComparison.Ordinal) && l.Contains("OwnAccount", StringComparison.Ordinal));
            foreach (var agent in new[] { far, self })
            {
                var secret = agent.ConnectionRequestCredentials!.Value.Password;
                Assert.DoesNotContain(_server.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running).WaitAsync(Patience);
        }
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> TaskWithConnectionRequestAsync(CpeAgent agent, int timeout = 120)
    {
        var (token, record) = ApiKeys.Create("xmpp-operator", Roles.Operator, null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await _server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        using var http = new HttpClient(new SocketsHttpHandler { SslOptions = Palisade.Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, insecure: false) }) { Timeout = TimeSpan.FromMinutes(3) };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_server.Host.Facts.ApiUrl}/api/v1/devices/{Uri.EscapeDataString(Id(agent).ToString())}/tasks?connection_request=true&timeout={timeout}")
        {
            Content = new StringContent("""{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.SerialNumber"]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static int ClosedPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static CancellationToken Cancel() => new CancellationTokenSource(Patience).Token;
}
