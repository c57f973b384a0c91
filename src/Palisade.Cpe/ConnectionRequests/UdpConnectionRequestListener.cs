using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Palisade.Cpe.Agent;
using Palisade.Cwmp.ConnectionRequests;
using Palisade.Cwmp.Stun;

namespace Palisade.Cpe.ConnectionRequests;

/// <summary>
/// UDP connection requests (TR-069 Annex G): an HTTP-formatted GET in one datagram carrying
/// <c>ts</c>, <c>id</c>, <c>un</c>, <c>cn</c> and <c>sig</c> = HMAC-SHA1(ConnectionRequestPassword, ts‖id‖un‖cn).
/// A message is honoured only if the user name is a device's, the signature verifies (constant-time), its
/// timestamp is newer than the last one accepted and within five minutes of now, and its id is new. Devices are
/// rate-limited as on the HTTP listener. With <see cref="StartStun"/>, the same socket is the STUN client of every
/// registered device (TR-069 Annex G): a Binding request per device with CONNECTION-REQUEST-BINDING, its
/// connection-request user name and MESSAGE-INTEGRITY, repeated every keep-alive period so the NAT keeps the binding
/// open; BINDING-CHANGE when the mapped address moved; the mapped address becomes the device's
/// UDPConnectionRequestAddress and NATDetected says whether it differs from the socket's own.
/// </summary>
public sealed class UdpConnectionRequestListener : IDisposable
{
    private readonly UdpClient _socket;
    private readonly ConcurrentDictionary<CpeAgent, DeviceState> _agents = new();
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, CpeAgent> _stunPending = new(StringComparer.Ordinal);
    private long _accepted;
    private long _refused;
    private long _stunMapped;
    private Task? _stunLoop;

    public UdpConnectionRequestListener(IPEndPoint endpoint, TimeProvider? time = null)
    {
        _socket = new UdpClient(endpoint);
        _time = time ?? TimeProvider.System;
        LocalEndPoint = (IPEndPoint)_socket.Client.LocalEndPoint!;
        _loop = Task.Run(ReceiveLoopAsync);
    }

    public IPEndPoint LocalEndPoint { get; }

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>STUN Binding responses that told a device its mapped address.</summary>
    public long StunMapped => Interlocked.Read(ref _stunMapped);

    /// <summary>Starts the STUN client: every <paramref name="keepAlive"/>, a Binding request per registered device to <paramref name="server"/>.</summary>
    public void StartStun(IPEndPoint server, TimeSpan keepAlive)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (keepAlive <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(keepAlive), "The keep-alive period must be positive.");
        }

        _stunLoop ??= Task.Run(() => StunLoopAsync(server, keepAlive));
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

    /// <summary>Adds a device and sets its UDPConnectionRequestAddress.</summary>
    public void Register(CpeAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        _agents[agent] = new DeviceState(new TokenBucket(3, 0.5, _time));
        agent.SetUdpConnectionRequestAddress(LocalEndPoint.ToString());
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

        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = await _socket.ReceiveAsync(_stop.Token).ConfigureAwait(false);
                if (!HandleStun(result.Buffer))
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

    private async Task StunLoopAsync(IPEndPoint server, TimeSpan keepAlive)
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var (agent, state) in _agents)
            {
                if (agent.ConnectionRequestCredentials is not { } credentials)
                {
                    continue;
                }

                var request = StunMessage.NewBindingRequest()
                    .Add(StunMessage.ConnectionRequestBinding, StunMessage.ConnectionRequestBindingValue)
                    .Add(StunMessage.Username, System.Text.Encoding.UTF8.GetBytes(credentials.Username));

                // The first request after start says BINDING-CHANGE too: the binding may differ from the one before a
                // restart, and the ACS moves a recorded address only when told (or when the old one went quiet).
                if (agent.StunBindingChanged || state.StunCredentials != credentials.Username)
                {
                    request.Add(StunMessage.BindingChange, []);
                }

                state.StunCredentials = credentials.Username;

                // Only a device's newest request is waited for: the table stays as large as the fleet.
                foreach (var old in _stunPending.Where(p => ReferenceEquals(p.Value, agent)).Select(p => p.Key).ToList())
                {
                    _stunPending.TryRemove(old, out _);
                }

                _stunPending[Convert.ToHexString(request.TransactionId)] = agent;
                try
                {
                    await _socket.SendAsync(request.ToBytes(credentials.Password), server, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    if (_stop.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }

            try
            {
                await Task.Delay(keepAlive, _time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // A STUN answer to one of this socket's requests: the device's mapped address. False: not STUN at all.
    private bool HandleStun(ReadOnlySpan<byte> datagram)
    {
        if (!StunMessage.TryParse(datagram, out var message, out _))
        {
            return false;
        }

#pragma warning disable CA2000 // The agent belongs to whoever registered it, not to this listener.
        if (message!.Type == StunMessage.BindingResponse && _stunPending.TryRemove(Convert.ToHexString(message.TransactionId), out var agent) && message.Mapped() is { } mapped)
#pragma warning restore CA2000
        {
            Interlocked.Increment(ref _stunMapped);
            agent.StunMapped(mapped.ToString(), !mapped.Equals(LocalEndPoint));
        }

        return true;
    }

    private sealed class DeviceState(TokenBucket limit)
    {
        public TokenBucket Limit { get; } = limit;

        public long LastTimestamp { get; set; }

        public Queue<string> SeenIds { get; } = new();

        // The user name of the last STUN request sent for the device (a new one: its first request under it).
        public string? StunCredentials { get; set; }
    }
}
