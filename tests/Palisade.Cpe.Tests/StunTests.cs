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
        udp.StartStun(new IPEndPoint(IPAddress.Loopback, stun.Port), TimeSpan.FromSeconds(1));

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
        var padded = Padded(32);
        await client.SendAsync(padded, stun);
        var response = await NextAsync(client);
        Assert.Equal(client.Client.LocalEndPoint, response.Mapped());
        Assert.True(response.Has(StunMessage.MappedAddress));
    }

    [Fact]
    public async Task An_unauthenticated_request_never_gets_an_answer_larger_than_itself()
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var stun = new IPEndPoint(IPAddress.Loopback, _server.Host.Stun!.LocalEndPoint.Port);

        // 20 bytes: any answer would be larger (a forged source would be flooded with more than was sent): none.
        await client.SendAsync(StunMessage.NewBindingRequest().ToBytes(), stun);

        // 36 bytes: XOR-MAPPED-ADDRESS alone (32) fits, MAPPED-ADDRESS too (44) does not. It is the first answer.
        var small = Padded(12);
        await client.SendAsync(small, stun);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = await client.ReceiveAsync(wait.Token);
        Assert.True(first.Buffer.Length <= small.Length);
        Assert.True(StunMessage.TryParse(first.Buffer, out var answer, out _));
        Assert.Equal(small.AsSpan(8, 12).ToArray(), answer!.TransactionId);
        Assert.False(answer.Has(StunMessage.MappedAddress));
        Assert.Equal(client.Client.LocalEndPoint, answer.Mapped());
    }

    [Fact]
    public async Task A_replayed_binding_request_is_dropped_and_a_move_is_recorded_only_with_binding_change()
    {
        await using var agent = NewAgent(_server, "STUN03");
        await SessionOkAsync(agent);
        var endpoint = (await DeviceAsync(_server, agent)).ConnectionRequest!;
        var stun = new IPEndPoint(IPAddress.Loopback, _server.Host.Stun!.LocalEndPoint.Port);
        using var home = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var elsewhere = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        byte[] Request(bool change)
        {
            var request = StunMessage.NewBindingRequest()
                .Add(StunMessage.ConnectionRequestBinding, StunMessage.ConnectionRequestBindingValue)
                .Add(StunMessage.Username, System.Text.Encoding.UTF8.GetBytes(endpoint.Username!));
            return (change ? request.Add(StunMessage.BindingChange, []) : request).ToBytes(endpoint.Password);
        }

        var captured = Request(change: true);
        await home.SendAsync(captured, stun);
        Assert.Equal(StunMessage.BindingResponse, (await NextAsync(home)).Type);
        var bindings = _server.Host.ConnectionRequester.StunBindings;
        Assert.Equal(home.Client.LocalEndPoint, bindings.Find(Id(agent))!.Address);

        // The same bytes again, from elsewhere: no answer (the next one is the plain request's) and nothing moves.
        await elsewhere.SendAsync(captured, stun);
        var marker = Padded(32);
        await elsewhere.SendAsync(marker, stun);
        Assert.Equal(marker.AsSpan(8, 12).ToArray(), (await NextAsync(elsewhere)).TransactionId);
        Assert.Equal(home.Client.LocalEndPoint, bindings.Find(Id(agent))!.Address);

        // A fresh request from elsewhere without BINDING-CHANGE is answered but not recorded; with it, it is.
        await elsewhere.SendAsync(Request(change: false), stun);
        Assert.Equal(elsewhere.Client.LocalEndPoint, (await NextAsync(elsewhere)).Mapped());
        Assert.Equal(home.Client.LocalEndPoint, bindings.Find(Id(agent))!.Address);
        await elsewhere.SendAsync(Request(change: true), stun);
        Assert.Equal(StunMessage.BindingResponse, (await NextAsync(elsewhere)).Type);
        Assert.Equal(elsewhere.Client.LocalEndPoint, bindings.Find(Id(agent))!.Address);
    }

    [Fact]
    public async Task A_flood_of_unknown_user_names_from_one_source_costs_a_bounded_number_of_store_look_ups()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(o => o.StunPort = 0, time: time);
        var stun = new IPEndPoint(IPAddress.Loopback, server.Host.Stun!.LocalEndPoint.Port);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        async Task<int> FloodAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var guess = StunMessage.NewBindingRequest()
                    .Add(StunMessage.ConnectionRequestBinding, StunMessage.ConnectionRequestBindingValue)
                    .Add(StunMessage.Username, System.Text.Encoding.UTF8.GetBytes("guess-" + Guid.NewGuid().ToString("N")));
                await client.SendAsync(guess.ToBytes("whatever"), stun);
            }

            // Answers come in order: the 401s the server could afford, then the marker's answer.
            var marker = Padded(32);
            await client.SendAsync(marker, stun);
            var refused = 0;
            while (true)
            {
                var next = await NextAsync(client);
                if (next.TransactionId.AsSpan().SequenceEqual(marker.AsSpan(8, 12)))
                {
                    return refused;
                }

                Assert.Equal(StunMessage.BindingErrorResponse, next.Type);
                refused++;
            }
        }

        Assert.Equal(Palisade.Acs.Stun.StunServer.LookupBurstPerSource, await FloodAsync(200));
        Assert.Equal(Palisade.Acs.Stun.StunServer.LookupBurstPerSource, server.Host.Stun.Lookups);
        Assert.Equal(200 - Palisade.Acs.Stun.StunServer.LookupBurstPerSource, server.Host.Stun.Dropped);

        // Ten a second after that.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(10, await FloodAsync(50));
    }

    // A plain binding request padded with a SOFTWARE attribute of `size` bytes.
    private static byte[] Padded(int size) =>
        StunMessage.NewBindingRequest().Add(0x8022, System.Text.Encoding.ASCII.GetBytes(new string('p', size))).ToBytes();

    private static async Task<StunMessage> NextAsync(UdpClient client)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var datagram = await client.ReceiveAsync(wait.Token);
        Assert.True(StunMessage.TryParse(datagram.Buffer, out var message, out _));
        return message!;
    }
}
