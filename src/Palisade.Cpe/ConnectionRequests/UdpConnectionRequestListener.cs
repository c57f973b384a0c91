using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Palisade.Cpe.Agent;
using Palisade.Cwmp.ConnectionRequests;

namespace Palisade.Cpe.ConnectionRequests;

/// <summary>
/// UDP connection requests (TR-069 Annex G): an HTTP-formatted GET in one datagram carrying
/// <c>ts</c>, <c>id</c>, <c>un</c>, <c>cn</c> and <c>sig</c> = HMAC-SHA1(ConnectionRequestPassword, ts‖id‖un‖cn).
/// A message is honoured only if the user name is a device's, the signature verifies (constant-time), its
/// timestamp is newer than the last one accepted and within five minutes of now, and its id is new. Devices are
/// rate-limited as on the HTTP listener.
/// </summary>
public sealed class UdpConnectionRequestListener : IDisposable
{
    private readonly UdpClient _socket;
    private readonly ConcurrentDictionary<CpeAgent, DeviceState> _agents = new();
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _accepted;
    private long _refused;

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
                Handle(result.Buffer);
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
