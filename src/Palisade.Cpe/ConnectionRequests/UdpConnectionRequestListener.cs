using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Palisade.Cpe.Agent;

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
    private const int MaxDatagram = 1024;
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
        agent.Model.SetInternal(agent.Model.Root + "ManagementServer.UDPConnectionRequestAddress", LocalEndPoint.ToString());
    }

    /// <summary>Checks one datagram; true when it leads to a session.</summary>
    public bool Handle(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length is 0 or > MaxDatagram || !TryParse(datagram, out var ts, out var id, out var un, out var cn, out var sig))
        {
            Interlocked.Increment(ref _refused);
            return false;
        }

        foreach (var (agent, state) in _agents)
        {
            if (agent.ConnectionRequestCredentials is not { } credentials || credentials.Username != un)
            {
                continue;
            }

            var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes(credentials.Password), Encoding.UTF8.GetBytes(ts + id + un + cn));
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            if (sig.Length != 40 || !sig.All(char.IsAsciiHexDigit)
                || !CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(sig))
                || !long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
            {
                break;
            }

            lock (state)
            {
                if (timestamp <= state.LastTimestamp || Math.Abs(now - timestamp) > 300 || state.SeenIds.Contains(id) || !state.Limit.TryTake())
                {
                    break;
                }

                state.LastTimestamp = timestamp;
                state.SeenIds.Enqueue(id);
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

    /// <summary>Builds a signed datagram (what an ACS sends).</summary>
    public static byte[] Build(string host, long timestamp, string id, string username, string cnonce, string password)
    {
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        var sig = Convert.ToHexString(HMACSHA1.HashData(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(ts + id + username + cnonce)));
        return Encoding.ASCII.GetBytes($"GET http://{host}?ts={ts}&id={Uri.EscapeDataString(id)}&un={Uri.EscapeDataString(username)}&cn={Uri.EscapeDataString(cnonce)}&sig={sig} HTTP/1.1\r\nHost: {host}\r\n\r\n");
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

    private static bool TryParse(ReadOnlySpan<byte> datagram, out string ts, out string id, out string un, out string cn, out string sig)
    {
        ts = id = un = cn = sig = string.Empty;
        string text;
        try
        {
            text = new ASCIIEncoding().GetString(datagram);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
        var line = lineEnd < 0 ? text : text[..lineEnd];
        var parts = line.Split(' ');
        if (parts.Length != 3 || parts[0] != "GET" || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return false;
        }

        var q = parts[1].IndexOf('?', StringComparison.Ordinal);
        if (q < 0)
        {
            return false;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in parts[1][(q + 1)..].Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !fields.TryAdd(pair[..eq], Uri.UnescapeDataString(pair[(eq + 1)..])))
            {
                return false;
            }
        }

        return fields.TryGetValue("ts", out ts!) && fields.TryGetValue("id", out id!) && fields.TryGetValue("un", out un!)
            && fields.TryGetValue("cn", out cn!) && fields.TryGetValue("sig", out sig!);
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
