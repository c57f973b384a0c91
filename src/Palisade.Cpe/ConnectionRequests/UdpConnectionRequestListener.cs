using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Cpe.Agent;
using Palisade.Cwmp.ConnectionRequests;

namespace Palisade.Cpe.ConnectionRequests;

/// <summary>
/// UDP connection requests (TR-069 Annex G): an HTTP-formatted GET in one datagram carrying
/// <c>ts</c>, <c>id</c>, <c>un</c>, <c>cn</c> and <c>sig</c> = HMAC-SHA1(ConnectionRequestPassword, ts‖id‖un‖cn).
/// A message is honoured only if the user name is a device's, the signature verifies (constant-time), its
/// timestamp is newer than the last one accepted and within five minutes of now, and its id is new. Devices are
/// rate-limited as on the HTTP listener. The same socket is the STUN client of every registered device whose STUN
/// settings are on (TR-069 Annex G, <see cref="StunClient"/>): a Binding request per device with
/// CONNECTION-REQUEST-BINDING, its user name and MESSAGE-INTEGRITY, repeated every keep-alive period so the NAT keeps
/// the binding open; BINDING-CHANGE when the mapped address moved; the mapped address becomes the device's
/// UDPConnectionRequestAddress and NATDetected says whether it differs from the socket's own.
/// </summary>
public sealed class UdpConnectionRequestListener : IDisposable
{
    private readonly UdpClient _socket;
    private readonly ConcurrentDictionary<CpeAgent, DeviceState> _agents = new();
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly StunClient _stun;
    private long _accepted;
    private long _refused;
    private (IPEndPoint Server, TimeSpan KeepAlive)? _stunDefaults;

    public UdpConnectionRequestListener(IPEndPoint endpoint, TimeProvider? time = null, ILogger? logger = null)
    {
        _socket = new UdpClient(endpoint);
        _time = time ?? TimeProvider.System;
        LocalEndPoint = (IPEndPoint)_socket.Client.LocalEndPoint!;
        _stun = new StunClient(_socket, LocalEndPoint, _time, logger ?? NullLogger.Instance, _stop.Token);
        _loop = Task.Run(ReceiveLoopAsync);
    }

    public IPEndPoint LocalEndPoint { get; }

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>STUN Binding responses that told a device its mapped address.</summary>
    public long StunMapped => _stun.Mapped;

    /// <summary>STUN Binding requests sent.</summary>
    public long StunSent => _stun.Sent;

    /// <summary>STUN Binding requests that failed: no answer by the next one, a refusal, a name without an address, a send error.</summary>
    public long StunFailures => _stun.Failures;

    /// <summary>The STUN client's loop while it waits (tests drive a fake clock with it); see <see cref="StunClient.Idle"/>.</summary>
    internal (long Round, long Activity, DateTimeOffset Next)? StunIdle => _stun.Idle;

    internal long StunActivity => _stun.Activity;

    /// <summary>
    /// The configuration's STUN client (<c>--stun</c>, <c>stunServer</c>): every registered device (and every one
    /// registered later) gets <paramref name="server"/> and <paramref name="keepAlive"/> as its factory STUN settings
    /// (<see cref="CpeAgent.SetStunDefaults"/>), which the ACS may rewrite.
    /// </summary>
    public void StartStun(IPEndPoint server, TimeSpan keepAlive)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (keepAlive < StunClientSettings.MinKeepAlive || keepAlive > StunClientSettings.MaxKeepAlive)
        {
            throw new ArgumentOutOfRangeException(nameof(keepAlive), "The keep-alive period must be from 1 s to a day.");
        }

        _stunDefaults = (server, keepAlive);
        foreach (var agent in _agents.Keys)
        {
            agent.SetStunDefaults(server, keepAlive);
        }
    }

    /// <summary>
    /// Reads a STUN server as the sim's <c>--stun</c> and the agent's <c>stunServer</c> spell it: <c>HOST:PORT</c>
    /// (an address, <c>[v6]:PORT</c>, or a name resolved once, now).
    /// </summary>
    public static IPEndPoint ParseStunServer(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port != 0)
        {
            return endpoint;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65_535)
        {
            throw new ArgumentException($"{source} {text}: expected HOST:PORT.");
        }

        try
        {
            var address = Dns.GetHostAddresses(text[..colon]).FirstOrDefault() ?? throw new ArgumentException($"{source} {text}: the name has no address.");
            return new IPEndPoint(address, port);
        }
        catch (SocketException e)
        {
            throw new ArgumentException($"{source} {text}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Adds a device and sets its UDPConnectionRequestAddress. Its STUN client runs from this socket whenever its
    /// settings (<see cref="CpeAgent.Stun"/>) say so: from the configuration, or once the ACS turns it on.
    /// </summary>
    public void Register(CpeAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        _agents[agent] = new DeviceState(new TokenBucket(3, 0.5, _time));
        agent.SetUdpConnectionRequestAddress(LocalEndPoint.ToString());
        if (_stunDefaults is { } defaults)
        {
            agent.SetStunDefaults(defaults.Server, defaults.KeepAlive);
        }

        _stun.Add(agent);
    }

    /// <summary>Checks one datagram; true when it leads to a session.</summary>
    public bool Handle(ReadOnlySpan<byte> datagram)
    {
        if (!UdpConnectionRequest.TryParse(datagram, out var request) || request.UnixTime is not { } timestamp)
        {
            Interlocked.Increment(ref _refused);
            return false;
        }

        foreach (var (agent, state) in _agents)
        {
            if (agent.ConnectionRequestCredentials is not { } credentials || credentials.Username != request.Username)
            {
                continue;
            }

            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            if (!request.Verify(credentials.Password))
            {
                break;
            }

            lock (state)
            {
                if (timestamp <= state.LastTimestamp || Math.Abs(now - timestamp) > 300 || state.SeenIds.Contains(request.Id) || !state.Limit.TryTake())
                {
                    break;
                }

                state.LastTimestamp = timestamp;
                state.SeenIds.Enqueue(request.Id);
                if (state.SeenIds.Count > 64)
                {
                    state.SeenIds.Dequeue();
                }
            }

            Interlocked.Increment(ref _accepted);
            agent.ConnectionRequested();
            return true;
        }

        Interlocked.Increment(ref _refused);
        return false;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        _stun.Stop(TimeSpan.FromSeconds(2));

        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = await _socket.ReceiveAsync(_stop.Token).ConfigureAwait(false);
                if (!_stun.Handle(result.Buffer))
                {
                    Handle(result.Buffer);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private sealed class DeviceState(TokenBucket limit)
    {
        public TokenBucket Limit { get; } = limit;

        public long LastTimestamp { get; set; }

        public Queue<string> SeenIds { get; } = new();
    }
}
