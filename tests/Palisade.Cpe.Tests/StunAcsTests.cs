using System.Net;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Storage;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>
/// The real server switches NAT reach on from the ACS: a setParameterValues task of ManagementServer.STUN* starts the
/// agent's STUN client through the ACS's own STUN server (the ACS learns the device's address and reaches it by UDP),
/// moves it, refuses a bad value with 9007, and turns it off (the listener's keep-alives run on a fake clock).
/// </summary>
public sealed class StunAcsTests : IAsyncLifetime
{
    private const string Ms = "Device.ManagementServer.";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o.StunPort = 0);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_acs_turns_the_agents_stun_client_on_moves_it_refuses_a_bad_value_and_turns_it_off()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var udp = new UdpConnectionRequestListener(new IPEndPoint(IPAddress.Loopback, 0), time);
        var clock = new StunClock(udp, time);
        await using var agent = NewAgent(_server, "STUNACS01");
        await using var marker = NewAgent(_server, "STUNACS02");
        udp.Register(agent);
        udp.Register(marker);
        await SessionOkAsync(agent);
        await SessionOkAsync(marker);
        Assert.Null(agent.Stun);
        var (user, password) = agent.ConnectionRequestCredentials!.Value;
        var acsStun = _server.Host.Stun!;
        var bindings = _server.Host.ConnectionRequester.StunBindings;

        // On, through the ACS's STUN server: the ACS records where the device's binding requests come from and sends
        // its UDP connection request there.
        await SetAsync(agent, $"""["{Ms}STUNEnable","1","xsd:boolean"],["{Ms}STUNServerAddress","127.0.0.1","xsd:string"],["{Ms}STUNServerPort","{acsStun.LocalEndPoint.Port}","xsd:unsignedInt"]""");
        await EventuallyAsync(() => Task.FromResult(bindings.Find(Id(agent))?.Address.Equals(udp.LocalEndPoint) == true), "the binding the ACS's settings started", seconds: 60);
        var device = await DeviceAsync(_server, agent);
        var stale = device with { ConnectionRequest = device.ConnectionRequest! with { Url = string.Empty, UdpAddress = "127.0.0.1:9" } };
        var outcome = await _server.Host.ConnectionRequester.RequestAsync(stale, CancellationToken.None);
        Assert.Equal(Palisade.Acs.ConnectionRequests.ConnectionRequestResult.SentUdp, outcome.Result);
        await EventuallyAsync(() => Task.FromResult(udp.Accepted >= 1), "the ACS's signed datagram through the STUN binding", seconds: 60);

        // Moved to another STUN server (the test's, behind a "NAT"): BINDING-CHANGE, and the ACS learns the new
        // address from the next Inform.
        using var other = new FakeStunServer(time, u => u == user ? password : null) { MappedTo = new IPEndPoint(IPAddress.Parse("192.0.2.9"), 40002) };
        await SetAsync(agent, $"""["{Ms}STUNServerPort","{other.EndPoint.Port}","xsd:unsignedInt"]""");
        await EventuallyAsync(() => Task.FromResult(other.From(user).Count >= 1), "the binding request at the new server", seconds: 60);
        Assert.True(other.From(user)[0].BindingChange);
        Assert.True(other.From(user)[0].Verified);
        await EventuallyAsync(() => Task.FromResult(agent.Model.Get(Ms + "UDPConnectionRequestAddress") == "192.0.2.9:40002"), "the new mapping", seconds: 60);
        await SessionOkAsync(agent);
        Assert.Equal("192.0.2.9:40002", (await DeviceAsync(_server, agent)).ConnectionRequest!.UdpAddress);
        var answered = acsStun.Answered;

        // A bad value: the task faults with the device's 9007, and nothing changes.
        var applied = agent.Stun;
        var bad = await QueueAsync(_server, agent, $$"""{"name":"setParameterValues","parameterValues":[["{{Ms}}STUNEnable","0","xsd:boolean"],["{{Ms}}STUNServerPort","0","xsd:unsignedInt"]]}""");
        await SessionOkAsync(agent);
        var faulted = await TaskAsync(_server, bad);
        Assert.Equal(DeviceTaskStatus.Faulted, faulted.Status);
        Assert.Contains("9007", faulted.Fault!.Message + faulted.Fault.Detail, StringComparison.Ordinal);
        Assert.Equal("true", agent.Model.Get(Ms + "STUNEnable"));
        Assert.Equal(other.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), agent.Model.Get(Ms + "STUNServerPort"));
        Assert.Same(applied, agent.Stun);

        // Off: the marker, bound at the test's server too, goes on through several keep-alive periods; the device
        // sends nothing to either server, and reports its own address again.
        await SetAsync(marker, $"""["{Ms}STUNEnable","true","xsd:boolean"],["{Ms}STUNServerAddress","127.0.0.1","xsd:string"],["{Ms}STUNServerPort","{other.EndPoint.Port}","xsd:unsignedInt"]""");
        var markerUser = marker.ConnectionRequestCredentials!.Value.Username;
        await EventuallyAsync(() => Task.FromResult(other.From(markerUser).Count >= 1), "the marker's first request", seconds: 60);
        await SetAsync(agent, $"""["{Ms}STUNEnable","false","xsd:boolean"]""");
        await EventuallyAsync(() => Task.FromResult(agent.Model.Get(Ms + "NATDetected") == "false"), "NATDetected false", seconds: 60);
        await SessionOkAsync(agent);
        Assert.Equal(udp.LocalEndPoint.ToString(), (await DeviceAsync(_server, agent)).ConnectionRequest!.UdpAddress);

        var marked = other.From(markerUser).Count;
        await clock.AdvanceAsync();
        await EventuallyAsync(() => Task.FromResult(other.From(markerUser).Count >= marked + 1), "the marker's keep-alive", seconds: 60);
        var sent = other.From(user).Count;
        for (var i = 2; i <= 3; i++)
        {
            await clock.AdvanceAsync();
            var n = marked + i;
            await EventuallyAsync(() => Task.FromResult(other.From(markerUser).Count >= n), "the marker's keep-alive", seconds: 60);
        }

        Assert.Equal(sent, other.From(user).Count);
        Assert.Equal(answered, acsStun.Answered);
    }

    private async Task SetAsync(CpeAgent agent, string values)
    {
        var task = await QueueAsync(_server, agent, $$"""{"name":"setParameterValues","parameterValues":[{{values}}]}""");
        await SessionOkAsync(agent);
        var done = await TaskAsync(_server, task);
        Assert.True(done.Status == DeviceTaskStatus.Done, $"{done.Status}: {done.Fault}");
    }
}
