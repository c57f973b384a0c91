using System.Net;
using Palisade.Cpe.Agent;
using Palisade.Security.Pki;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>
/// How devices connect, seen from the wire: a new connection per session by default, each device resuming only a TLS
/// session of its own (none after boot), or one kept connection.
/// </summary>
public sealed class ConnectionModeTests : IAsyncLifetime
{
    private readonly CertificateAuthority _ca = CertificateAuthority.Create("Palisade test CA");
    private PlainAcs _acs = null!;
    private HelloProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _acs = await PlainAcs.StartAsync(_ca.IssueServer(["localhost"], TimeSpan.FromDays(1)));
        _proxy = new HelloProxy(_acs.Url.Port);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _acs.DisposeAsync();
        _ca.Dispose();
    }

    [Fact]
    public async Task Each_device_resumes_only_a_tls_session_of_its_own()
    {
        await using var first = Device("TLS001");
        for (var i = 0; i < 3; i++)
        {
            await SessionOkAsync(first);
        }

        // A second device of the same fleet, same ACS host, sessions to resume in the process: its first handshake
        // after boot is a full one all the same.
        await using var second = Device("TLS002");
        await SessionOkAsync(second);
        await SessionOkAsync(second);

        // A reboot empties a device's cache.
        first.PowerCycle();
        await SessionOkAsync(first);

        // (The device's second connection resumes only if the process holds a session for the host: see TlsSessionCache.)
        var offered = _proxy.ResumptionOffered;
        Assert.Equal(6, offered.Count);
        Assert.Equal([false, true, false, true, false], [offered[0], offered[2], offered[3], offered[4], offered[5]]);
    }

    [Fact]
    public async Task Without_resumption_every_session_is_a_full_handshake()
    {
        await using var device = Device("TLS003", o => o.AllowTlsResume = false);
        await SessionOkAsync(device);
        await SessionOkAsync(device);

        Assert.Equal([false, false], _proxy.ResumptionOffered);
    }

    [Fact]
    public async Task A_kept_connection_carries_every_session_and_per_session_opens_one_each()
    {
        await using var kept = Device("TLS004", o => o.Connection = ConnectionMode.Kept);
        for (var i = 0; i < 3; i++)
        {
            await SessionOkAsync(kept);
        }

        Assert.Single(_proxy.ResumptionOffered);

        await using var perSession = Device("TLS005");
        for (var i = 0; i < 3; i++)
        {
            await SessionOkAsync(perSession);
        }

        Assert.Equal(4, _proxy.ResumptionOffered.Count);
        Assert.Equal(6, _acs.Informs.Count);
    }

    [Theory]
    [InlineData(null, ConnectionMode.PerSession)]
    [InlineData("per-session", ConnectionMode.PerSession)]
    [InlineData("kept", ConnectionMode.Kept)]
    public void The_cpe_configuration_chooses_the_connection_mode_per_session_by_default(string? text, ConnectionMode expected)
    {
        var config = new CpeConfig { AcsUrl = "https://acs.example.net:7547/", SerialNumber = "SN1" };
        if (text is not null)
        {
            config.Connection = text;
        }

        config.Validate("cpe.json");
        Assert.Equal(expected, config.ToOptions().Connection);
    }

    [Fact]
    public void An_unknown_connection_mode_in_the_cpe_configuration_is_refused()
    {
        var config = new CpeConfig { AcsUrl = "https://acs.example.net:7547/", SerialNumber = "SN1", Connection = "keep" };
        var e = Assert.Throws<InvalidDataException>(() => config.Validate("cpe.json"));
        Assert.Contains("keep", e.Message, StringComparison.Ordinal);
    }

    // A device that knows its ACS by name (TLS clients resume only with a host name) and reaches it through the proxy.
    private CpeAgent Device(string serial, Action<AgentOptions>? configure = null) => _acs.NewAgent(serial, configure: o =>
    {
        o.AcsUrl = new Uri($"https://localhost:{_proxy.Port}/");
        o.AllowPlaintext = false;
        o.ConnectTo = IPAddress.Loopback;
        o.TrustedCas.Add(_ca.Certificate);
        configure?.Invoke(o);
    });
}
