using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cpe.Model;

namespace Palisade.Cpe.Simulation;

/// <summary>
/// Many CPE agents in one process: each with its own identity, credentials, connections, TLS session cache and
/// periodic schedule; all sharing one data-model template and, when asked, one connection-request listener.
/// </summary>
public sealed class FleetSimulator : IAsyncDisposable
{
    private readonly FleetOptions _options;
    private readonly ILogger? _logger;
    private readonly List<CpeAgent> _agents = [];
    private readonly List<X509Certificate2> _certificates = [];
    private int[] _served = [];
    private int _servedCount;
    private Action? _allServed;
    private ConnectionRequestServer? _crServer;
    private UdpConnectionRequestListener? _udp;
    private readonly List<XmppConnectionRequestListener> _xmpp = [];

    public FleetSimulator(FleetOptions options, ILogger? logger = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger;
    }

    public FleetStats Stats { get; } = new();

    public IReadOnlyList<CpeAgent> Agents => _agents;

    /// <summary>Builds the fleet (no traffic yet).</summary>
    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        var template = DeviceTemplate.Build(_options.Profile);
        if (_options.ConnectionRequestAddress is { } address)
        {
            _crServer = await ConnectionRequestServer.StartAsync(address, 0, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (_options.StunServer is not null || _options.UdpConnectionRequests)
            {
                _udp = new UdpConnectionRequestListener(new System.Net.IPEndPoint(address, 0), logger: _logger);
            }
        }
        else if (_options.StunServer is not null || _options.UdpConnectionRequests)
        {
            throw new ArgumentException("STUN and UDP connection requests need a connection-request address (--connection-requests): the UDP listener binds there.");
        }

        if (_options.FactoryDevices is { } factoryDevices)
        {
            _options.Devices = factoryDevices.Count;
        }

        _served = new int[_options.Devices];
        var width = Math.Max(6, (_options.FirstIndex + _options.Devices).ToString(CultureInfo.InvariantCulture).Length);
        for (var i = 0; i < _options.Devices; i++)
        {
            var serial = _options.SerialPrefix + (_options.FirstIndex + i).ToString("D" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var profile = _options.Profile;
            var factory = _options.FactoryDevices?[i];
            var identity = factory is null
                ? new DeviceIdentity(profile.Manufacturer, profile.Oui, profile.ProductClass, serial, profile.ModelName, profile.HardwareVersion)
                : new DeviceIdentity(profile.Manufacturer, factory.Oui, factory.ProductClass, factory.SerialNumber, profile.ModelName, profile.HardwareVersion);
            var agentOptions = new AgentOptions
            {
                AcsUrl = _options.AcsUrl,
                Username = factory?.Username ?? _options.BootstrapUsername,
                Password = factory?.Password ?? _options.BootstrapPassword,
                ConnectionRequestUsername = factory?.ConnectionRequestUsername,
                ConnectionRequestPassword = factory?.ConnectionRequestPassword,
                KeepFactoryCredentials = _options.KeepFactoryCredentials,
                PreferBasic = _options.PreferBasic,
                PeriodicInterval = _options.Periodic,
                InitialDelay = _options.Devices <= 1 ? TimeSpan.Zero : _options.Ramp * i / _options.Devices,
                InsecureSkipVerify = _options.InsecureSkipVerify,
                AllowPlaintext = _options.AcsUrl.Scheme == Uri.UriSchemeHttp,
                RequestTimeout = _options.RequestTimeout,
                Connection = _options.Connection,
                AllowTlsResume = _options.AllowTlsResume,
                ConnectTo = _options.ConnectTo,
                RetryMinimumWaitSeconds = _options.RetryMinimumWaitSeconds,
                FirmwareFailure = _options.Fails(identity.SerialNumber) ? _options.FirmwareFailure : FirmwareFailure.None,
            };
            foreach (var (keyId, key) in _options.SigningKeys)
            {
                agentOptions.SigningKeys[keyId] = key;
            }
            if (_options.ClientCertificates is { } issue)
            {
                var certificate = issue(identity);
                _certificates.Add(certificate);
                agentOptions.ClientCertificate = certificate;
            }

            agentOptions.TrustedCas.AddRange(_options.TrustedCas);
            var agent = new CpeAgent(new CpeDataModel(template, identity), agentOptions, logger: _logger);
            var index = i;
            agent.SessionEnded += (_, outcome, elapsed) =>
            {
                Stats.Record(outcome.Success, outcome.ErrorKind, elapsed);
                if (outcome.Success && Interlocked.Exchange(ref _served[index], 1) == 0
                    && Interlocked.Increment(ref _servedCount) == _served.Length && _options.StopWhenServed)
                {
                    _allServed?.Invoke();
                }
            };
            _crServer?.Register(agent);
            _udp?.Register(agent);
            if (_options.XmppAccount is { } account)
            {
                agent.SetAllowedJabberIds(_options.XmppAllowedJids);
                _xmpp.Add(new XmppConnectionRequestListener(agent, account(i + 1, identity.SerialNumber), logger: _logger));
            }

            _agents.Add(agent);
        }

        foreach (var listener in _xmpp)
        {
            listener.Start();
        }

        if (_udp is not null && _options.StunServer is { } stunServer)
        {
            _udp.StartStun(stunServer, _options.StunKeepAlive);
        }
    }

    /// <summary>Runs every agent until the duration is over or <paramref name="cancellationToken"/> fires.</summary>
    public async Task<FleetSummary> RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        _allServed = stop.Cancel;

        var clock = Stopwatch.StartNew();
        var runs = _agents.Select(a => Task.Run(() => RunAgentAsync(a, stop.Token), CancellationToken.None)).ToList();
        await Task.WhenAll(runs).ConfigureAwait(false);
        _allServed = null;
        return Stats.Summarize(_agents.Count, clock.Elapsed, _options.Connection, Volatile.Read(ref _servedCount));
    }

    public async ValueTask DisposeAsync()
    {
        // The XMPP streams first: a login finishing now would otherwise wake an agent already disposed.
        foreach (var listener in _xmpp)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var agent in _agents)
        {
            await agent.DisposeAsync().ConfigureAwait(false);
        }

        if (_crServer is not null)
        {
            await _crServer.DisposeAsync().ConfigureAwait(false);
        }

        _udp?.Dispose();

        foreach (var certificate in _certificates)
        {
            certificate.Dispose();
        }
    }

    private static async Task RunAgentAsync(CpeAgent agent, CancellationToken cancellationToken)
    {
        try
        {
            await agent.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
