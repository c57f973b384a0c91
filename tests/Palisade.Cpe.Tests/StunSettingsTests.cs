using System.Net;
using Microsoft.Extensions.Time.Testing;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cpe.Model;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>
/// The agent's STUN client follows ManagementServer.STUN* as the ACS sets them (TR-069 Annex G, TR-181): checked when
/// set, applied when the session ends, on a fake clock; the STUN server is the test's own on 127.0.0.1.
/// </summary>
public sealed class StunSettingsTests : IAsyncLifetime
{
    private const string Ms = "Device.ManagementServer.";
    private const string CrUser = "cr-user-stun";
    private const string CrPassword = "cr-password-stun";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero));
    private readonly LogSink _logs = new();
    private PlainAcs _acs = null!;
    private FakeStunServer _stun = null!;
    private UdpConnectionRequestListener _udp = null!;
    private StunClock _clock = null!;

    public async Task InitializeAsync()
    {
        _acs = await PlainAcs.StartAsync();
        _stun = new FakeStunServer(_time, user => user == CrUser ? CrPassword : user == "stun-user" ? "stun-secret-Zq81" : null);
        _udp = new UdpConnectionRequestListener(new IPEndPoint(IPAddress.Loopback, 0), _time, _logs.CreateLogger("stun"));
        _clock = new StunClock(_udp, _time);
    }

    public async Task DisposeAsync()
    {
        _udp.Dispose();
        _stun.Dispose();
        await _acs.DisposeAsync();
    }

    [Fact]
    public async Task Settings_the_acs_writes_take_effect_when_the_session_ends_and_the_password_reads_back_empty()
    {
        await using var agent = NewAgent("SS0001");
        _udp.Register(agent);
        Assert.Null(agent.Stun);
        Assert.Equal(["false", "3478", "-1"], Values(agent, "STUNEnable", "STUNServerPort", "STUNMaximumKeepAlivePeriod"));

        // Set inside a session: nothing runs yet.
        var answer = agent.Handle(Set(("STUNEnable", "1"), ("STUNServerAddress", "127.0.0.1"), ("STUNServerPort", Port(_stun)), ("STUNUsername", "stun-user"), ("STUNPassword", "stun-secret-Zq81")));
        Assert.IsType<SetParameterValuesResponse>(answer);
        Assert.Null(agent.Stun);
        Assert.Equal(string.Empty, agent.Model.Get(Ms + "STUNPassword"));
        Assert.Equal(string.Empty, agent.Model.GetValues([Ms + "STUNPassword"])[0].Value.Text);

        // The session ends: the client binds at once, signed with STUNUsername/STUNPassword, saying BINDING-CHANGE.
        await SessionOkAsync(agent);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, _stun.EndPoint.Port).ToString(), agent.Stun!.Server);
        var first = await RequestAsync("stun-user", 1);
        Assert.True(first.Verified);
        Assert.True(first.BindingChange);
        await Eventually.HoldsAsync(() => _udp.StunMapped == 1, "the mapped address", TimeSpan.FromSeconds(30));
        Assert.Equal(_udp.LocalEndPoint.ToString(), agent.Model.Get(Ms + "UDPConnectionRequestAddress"));
        Assert.Equal("false", agent.Model.Get(Ms + "NATDetected"));

        // The password is in no log line (the agent's, the STUN client's).
        Assert.Contains(_logs.Lines, l => l.Contains("STUN client on", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("stun-secret-Zq81", StringComparison.Ordinal));
        Assert.DoesNotContain("stun-secret-Zq81", agent.Stun.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("STUNServerPort", "0")]
    [InlineData("STUNServerPort", "65536")]
    [InlineData("STUNServerAddress", "not a host")]
    [InlineData("STUNServerAddress", "stun.example.net:3478")]
    [InlineData("STUNServerAddress", "1.2")]
    [InlineData("STUNMinimumKeepAlivePeriod", "61")]
    [InlineData("STUNMinimumKeepAlivePeriod", "86401")]
    [InlineData("STUNMaximumKeepAlivePeriod", "19")]
    [InlineData("STUNMaximumKeepAlivePeriod", "-2")]
    [InlineData("STUNUsername", "line\nbreak")]
    [InlineData("STUNUsername", "LONG")]
    [InlineData("STUNPassword", "LONG")]
    public async Task A_bad_stun_value_is_a_9007_fault_and_changes_nothing(string name, string value)
    {
        await using var agent = NewAgent("SS0002");
        _udp.Register(agent);
        agent.Handle(Set(("STUNEnable", "true"), ("STUNServerAddress", "127.0.0.1"), ("STUNServerPort", Port(_stun)), ("STUNMinimumKeepAlivePeriod", "20"), ("STUNMaximumKeepAlivePeriod", "60")));
        await SessionOkAsync(agent);
        var applied = agent.Stun;
        Assert.NotNull(applied);
        var names = new[] { "STUNEnable", "STUNServerAddress", "STUNServerPort", "STUNUsername", "STUNMinimumKeepAlivePeriod", "STUNMaximumKeepAlivePeriod", "ParameterKey" };
        var before = Values(agent, names);

        // Alone, and with a good value beside it: all or nothing.
        value = value == "LONG" ? new string('é', 129) : value;
        foreach (var request in new[] { Set((name, value)), Set(("STUNEnable", "false"), (name, value)) })
        {
            var fault = Assert.IsType<CwmpFault>(agent.Handle(request));
            Assert.Equal(FaultCode.InvalidArguments, fault.FaultCode);
            var detail = Assert.Single(fault.SetParameterValuesFaults);
            Assert.Equal((Ms + name, FaultCode.InvalidParameterValue), (detail.ParameterName, detail.FaultCode));
            if (name == "STUNPassword")
            {
                Assert.DoesNotContain(value, detail.FaultString, StringComparison.Ordinal);
            }
        }

        await SessionOkAsync(agent);
        Assert.Equal(before, Values(agent, names));
        Assert.Same(applied, agent.Stun);
    }

    [Fact]
    public async Task Minimum_and_maximum_set_together_are_checked_against_each_other_and_bound_the_period()
    {
        await using var agent = NewAgent("SS0003");
        _udp.Register(agent);
        var fault = Assert.IsType<CwmpFault>(agent.Handle(Set(("STUNMinimumKeepAlivePeriod", "50"), ("STUNMaximumKeepAlivePeriod", "40"))));
        Assert.Equal(2, fault.SetParameterValuesFaults.Count);

        // The preferred 30 s within [min, max]: raised to a minimum of 45, lowered to a maximum of 12.
        agent.Handle(Set(("STUNEnable", "true"), ("STUNServerAddress", "127.0.0.1"), ("STUNServerPort", Port(_stun)), ("STUNMinimumKeepAlivePeriod", "45"), ("STUNMaximumKeepAlivePeriod", "50")));
        await SessionOkAsync(agent);
        Assert.Equal(TimeSpan.FromSeconds(45), agent.Stun!.KeepAlive);
        agent.Handle(Set(("STUNMinimumKeepAlivePeriod", "0"), ("STUNMaximumKeepAlivePeriod", "12")));
        await SessionOkAsync(agent);
        Assert.Equal(TimeSpan.FromSeconds(12), agent.Stun!.KeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(12), agent.Stun.RetryCap);

        // What the clock says: one request every 12 s (the second, at once, was the restart's).
        await RequestAsync(CrUser, 2);
        var next = await _clock.AdvanceAsync();
        await RequestAsync(CrUser, 3);
        Assert.Equal(TimeSpan.FromSeconds(12), next - _stun.From(CrUser)[1].At);
        Assert.Equal(next, _stun.From(CrUser)[2].At);
    }

    [Fact]
    public async Task Off_stops_the_requests_and_a_new_address_moves_them_without_a_restart()
    {
        await using var agent = NewAgent("SS0004");
        await using var marker = NewAgent("SS0005", user: "cr-user-marker", password: "cr-password-marker");
        _udp.Register(agent);
        _udp.Register(marker);
        using var other = new FakeStunServer(_time, user => user == CrUser ? CrPassword : null) { MappedTo = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40001) };
        foreach (var a in new[] { agent, marker })
        {
            a.Handle(Set(("STUNEnable", "true"), ("STUNServerAddress", "127.0.0.1"), ("STUNServerPort", Port(_stun))));
            await SessionOkAsync(a);
        }

        await RequestAsync(CrUser, 1);
        await RequestAsync("cr-user-marker", 1);

        // A new server: its first request says BINDING-CHANGE; the NAT's mapping becomes the device's address.
        agent.Handle(Set(("STUNServerAddress", "localhost"), ("STUNServerPort", Port(other))));
        await SessionOkAsync(agent);
        await Eventually.HoldsAsync(() => other.From(CrUser).Count == 1, "the request at the new server", TimeSpan.FromSeconds(30));
        Assert.True(other.From(CrUser)[0].BindingChange);
        Assert.True(other.From(CrUser)[0].Verified);
        await Eventually.HoldsAsync(() => agent.Model.Get(Ms + "UDPConnectionRequestAddress") == "192.0.2.7:40001", "the mapped address", TimeSpan.FromSeconds(30));
        Assert.Equal("true", agent.Model.Get(Ms + "NATDetected"));

        // Off: NATDetected false and the socket's own address again, reported in the next Inform.
        agent.Handle(Set(("STUNEnable", "false")));
        await SessionOkAsync(agent);
        await Eventually.HoldsAsync(() => agent.Model.Get(Ms + "NATDetected") == "false", "NATDetected false", TimeSpan.FromSeconds(30));
        Assert.Equal(_udp.LocalEndPoint.ToString(), agent.Model.Get(Ms + "UDPConnectionRequestAddress"));
        Assert.Contains(agent.PendingEvents, e => e.EventCode == Palisade.Cwmp.Events.EventCodes.ValueChange);
        await SessionOkAsync(agent);
        Assert.Equal(_udp.LocalEndPoint.ToString(), _acs.Informs[^1].ParameterList.Single(p => p.Name == Ms + "UDPConnectionRequestAddress").Value.Text);

        // Keep-alive periods go by: the marker's requests go on, the device sends none to either server.
        var marked = _stun.From("cr-user-marker").Count;
        await _clock.AdvanceAsync();
        await RequestAsync("cr-user-marker", marked + 1);
        var sent = (_stun.From(CrUser).Count, other.From(CrUser).Count);
        await _clock.AdvanceAsync();
        await RequestAsync("cr-user-marker", marked + 2);
        await _clock.AdvanceAsync();
        await RequestAsync("cr-user-marker", marked + 3);
        Assert.Equal(sent, (_stun.From(CrUser).Count, other.From(CrUser).Count));
        Assert.Equal((1, 1), sent);
    }

    [Fact]
    public async Task A_stun_server_that_stops_answering_gets_requests_backed_off_to_the_cap_and_the_period_again_when_it_answers()
    {
        await using var agent = NewAgent("SS0006");
        _udp.Register(agent);
        _stun.Answering = false;
        _udp.StartStun(new IPEndPoint(IPAddress.Loopback, _stun.EndPoint.Port), TimeSpan.FromSeconds(10));
        Assert.Equal("true", agent.Model.Get(Ms + "STUNEnable"));
        await RequestAsync(CrUser, 1);

        // 10 s, then doubled per unanswered request up to five minutes; the client goes on.
        for (var i = 2; i <= 8; i++)
        {
            await _clock.AdvanceAsync();
            await RequestAsync(CrUser, i);
        }

        var at = _stun.From(CrUser).Select(r => r.At).ToList();
        Assert.Equal([10, 20, 40, 80, 160, 300, 300], at.Zip(at.Skip(1), (a, b) => (b - a).TotalSeconds));
        Assert.Equal(1, _logs.Lines.Count(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("STUN binding through", StringComparison.Ordinal)));

        // It answers again: the next request comes after the keep-alive period, not five minutes.
        _stun.Answering = true;
        await _clock.AdvanceAsync();
        await RequestAsync(CrUser, 9);
        await Eventually.HoldsAsync(() => _udp.StunMapped == 1, "the answer", TimeSpan.FromSeconds(30));
        await _clock.AdvanceAsync();
        await RequestAsync(CrUser, 10);
        at = [.. _stun.From(CrUser).Select(r => r.At)];
        Assert.Equal(TimeSpan.FromSeconds(10), at[9] - at[8]);
        Assert.Contains(_logs.Lines, l => l.Contains("answered again after 8 failures", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_device_of_a_fleet_on_one_socket_binds_once_per_period()
    {
        var agents = new List<CpeAgent>();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                var agent = NewAgent($"SSF{i:D3}", user: $"fleet-{i:D3}", password: "fleet-password");
                agents.Add(agent);
                _udp.Register(agent);
            }

            _udp.StartStun(new IPEndPoint(IPAddress.Loopback, _stun.EndPoint.Port), TimeSpan.FromSeconds(10));
            for (var period = 1; period <= 3; period++)
            {
                var n = period;
                await Eventually.HoldsAsync(() => _stun.Requests.Count == 40 * n && _udp.StunMapped == 40 * n, $"40 requests answered in period {n}", TimeSpan.FromSeconds(60));
                if (period < 3)
                {
                    await _clock.AdvanceAsync();
                }
            }

            Assert.All(agents, a => Assert.Equal(3, _stun.From(a.ConnectionRequestCredentials!.Value.Username).Count));
            Assert.Equal(40, _stun.Requests.Count(r => r.BindingChange));
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }
        }
    }

    private CpeAgent NewAgent(string serial, string user = CrUser, string password = CrPassword)
    {
        var options = new AgentOptions { AcsUrl = _acs.Url, AllowPlaintext = true, ConnectionRequestUsername = user, ConnectionRequestPassword = password };
        var identity = new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", serial, "SIM-GW 1000", "rev-A");
        return new CpeAgent(new CpeDataModel(Gateway, identity, _time), options, _time, _logs.CreateLogger("agent"));
    }

    private static string Port(FakeStunServer server) => server.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static SetParameterValuesRequest Set(params (string Name, string Value)[] values) =>
        new([.. values.Select(v => new ParameterValueStruct(Ms + v.Name, ParameterValue.String(v.Value)))], "stun-" + Guid.NewGuid().ToString("N")[..8]);

    private static string[] Values(CpeAgent agent, params string[] names) => [.. names.Select(n => agent.Model.Get(Ms + n) ?? "(none)")];

    // The n-th request of a user at the test's STUN server.
    private async Task<FakeStunServer.Request> RequestAsync(string user, int n)
    {
        await Eventually.HoldsAsync(() => _stun.From(user).Count >= n, $"STUN request {n} of {user}", TimeSpan.FromSeconds(30));
        return _stun.From(user)[n - 1];
    }
}
