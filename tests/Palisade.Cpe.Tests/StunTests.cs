using System.Net;
using System.Net.Sockets;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cwmp.Stun;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>The built-in STUN server and the agent's STUN client (TR-069 Annex G, issue 23 item 2).</summary>
public sealed class StunTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.StunPort = 0);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_agent_binds_through_stun_and_the_acs_sends_its_udp_request_to_the_recorded_address()
    {
        using var udp = new UdpConnectionRequestListener(new IPEndPoint(IPAddress.Loopback, 0));
        await using var agent = NewAgent(_server, "STUN01");
        udp.Register(agent);
        await SessionOkAsync(agent);
        var stun = _server.Host.Stun!.LocalEndPoint;
        udp.StartStun(new IPEndPoint(IPAddress.Loopback, stun.Port), TimeSpan.FromMilliseconds(200));

        var bindings = _server.Host.ConnectionRequester.StunBindings;
        await EventuallyAsync(() => Task.FromResult(bindings.Find(Id(agent)) is not null), "the STUN binding");
        Assert.Equal(udp.LocalEndPoint, bindings.Find(Id(agent))!.Address);
        await EventuallyAsync(() => Task.FromResult(udp.StunMapped > 0), "the mapped address");
        Assert.Equal("false", agent.Model.Get("Device.ManagementServer.NATDetected"));
        Assert.Equal(udp.LocalEndPoint.ToString(), agent.Model.Get("Device.ManagementServer.UDPConnectionRequestAddress"));

        // The stored address is stale (the device last reported another port): the request goes where STUN saw it.
        var device = await DeviceAsync(_server, agent);
        var stale = device with { ConnectionRequest = device.ConnectionRequest! with { Url = string.Empty, UdpAddress = "127.0.0.1:9" } };
        var outcome = await _server.Host.ConnectionRequester.RequestAsync(stale, CancellationToken.None);
        Assert.Equal(Palisade.Acs.ConnectionRequests.ConnectionRequestResult.SentUdp, outcome.Result);
        await EventuallyAsync(() => Task.FromResult(udp.Accepted >= 1), "the ACS's signed datagram at the STUN address");
    }

    [Fact]
    public async Task A_binding_without_the_devices_integrity_is_answered_401_and_records_nothing()
    {
        await using var agent = NewAgent(_server, "STUN02");
        await SessionOkAsync(agent);
        var user = (await DeviceAsync(_server, agent)).ConnectionRequest!.Username!;
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var stun = new IPEndPoint(IPAddress.Loopback, _server.Host.Stun!.LocalEndPoint.Port);

        foreach (var key in new string?[] { "wrong-password", null })
        {
            var request = StunMessage.NewBindingRequest()
                .Add(StunMessage.ConnectionRequestBinding, StunMessage.ConnectionRequestBindingValue)
                .Add(StunMessage.Username, System.Text.Encoding.UTF8.GetBytes(user));
            await client.SendAsync(request.ToBytes(key), stun);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var answer = await client.ReceiveAsync(wait.Token);
            Assert.True(StunMessage.TryParse(answer.Buffer, out var parsed, out _));
            Assert.Equal(StunMessage.BindingErrorResponse, parsed!.Type);
        }

        Assert.Null(_server.Host.ConnectionRequester.StunBindings.Find(Id(agent)));

        // A plain binding request (no TR-069 attributes) is answered with the mapped address, as by any STUN server.
        await client.SendAsync(StunMessage.NewBindingRequest().ToBytes(), stun);
        using var plain = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var mapped = await client.ReceiveAsync(plain.Token);
        Assert.True(StunMessage.TryParse(mapped.Buffer, out var response, out _));
        Assert.Equal(client.Client.LocalEndPoint, response!.Mapped());
    }
}
