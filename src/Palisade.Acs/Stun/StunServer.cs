using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Palisade.Acs.Devices;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Stun;

namespace Palisade.Acs.Stun;

/// <summary>
/// The ACS's own STUN server (RFC 5389 Binding, TR-069 Annex G). Every Binding request gets its mapped address
/// back. A request with CONNECTION-REQUEST-BINDING and a USERNAME that is a device's connection-request user name
/// records that device's public address in <see cref="StunBindings"/>, but only when its MESSAGE-INTEGRITY verifies
/// with the device's connection-request password (the STUN credentials Palisade's agent uses); one without
/// integrity, or with a wrong one, gets 401 and records nothing. Datagrams that are not bounded STUN requests are
/// dropped unanswered. Hostile senders get little: an answer to a request that did not authenticate is never larger
/// than the request (UDP sources can be forged: no amplification), user look-ups that miss the cache are rate-limited
/// per source address and in all, a device's recent transaction ids are refused when they come again (replays), and a
/// device's recorded address moves only when its request says BINDING-CHANGE or the old address has gone quiet.
/// </summary>
public sealed class StunServer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly IDeviceRegistry _devices;
    private readonly StunBindings _bindings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    // A miss is remembered briefly: a device that has just been given its connection-request credentials sends its
    // first binding request before that session's commit, and must not wait a minute to be found.
    private static readonly TimeSpan MissLifetime = TimeSpan.FromSeconds(5);
    private const int MaxCached = 100_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Device? Device, DateTimeOffset At)> _users = new(StringComparer.Ordinal);

    /// <summary>A recorded address that no authenticated request has confirmed for this long may be replaced without BINDING-CHANGE.</summary>
    public static readonly TimeSpan QuietAfter = TimeSpan.FromMinutes(2);

    /// <summary>Store look-ups (user-name cache misses) one source address may cause: a burst, then ten a second.</summary>
    public const int LookupBurstPerSource = 32;

    private readonly ConnectionRequests.DeviceAttemptLimiter _lookupsPerSource;
    private readonly ConnectionRequests.DeviceAttemptLimiter _lookupsInAll;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<DeviceId, RecentIds> _seen = new();
    private long _lookups;
    private long _dropped;
    private long _answered;
    private long _recorded;
    private long _refused;
    private long _failures;
    private readonly LogWindow _refusalLog;
    private readonly LogWindow _failureLog;

    /// <summary>Refusals within a minute that make one Warning (each is logged at Debug).</summary>
    public const int RefusalBurst = 20;

    private StunServer(Socket socket, IDeviceRegistry devices, StunBindings bindings, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _devices = devices;
        _bindings = bindings;
        _time = time;
        _logger = logger;
        _lookupsPerSource = new ConnectionRequests.DeviceAttemptLimiter(LookupBurstPerSource, TimeSpan.FromMilliseconds(100), time);
        _lookupsInAll = new ConnectionRequests.DeviceAttemptLimiter(1000, TimeSpan.FromMilliseconds(2), time);
        _refusalLog = new LogWindow(TimeSpan.FromMinutes(1), RefusalBurst, time);
        _failureLog = new LogWindow(TimeSpan.FromMinutes(1), 1, time);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _bindings.Sender = SendAsync;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binding requests answered.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Device bindings recorded.</summary>
    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>Connection-request bindings refused (unknown user, no or wrong integrity).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Store look-ups of user names (cache misses).</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    /// <summary>Datagrams whose handling failed unexpectedly (the server went on receiving).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Requests left unanswered: over the look-up limits, replayed, or too small to answer without amplifying.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Binds UDP <paramref name="endpoint"/> (port 0: a free one) and starts answering.</summary>
    public static StunServer Start(IPEndPoint endpoint, IDeviceRegistry devices, StunBindings bindings, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(endpoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new StunServer(socket, devices, bindings, time, logger);
    }

    /// <summary>Starts the server, or logs why it cannot (event 651: the port is taken) and returns null.</summary>
    public static StunServer? TryStart(IPEndPoint endpoint, IDeviceRegistry devices, StunBindings bindings, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        try
        {
            return Start(endpoint, devices, bindings, time, logger);
        }
        catch (SocketException e)
        {
            StunLog.NotStarted(logger, endpoint.ToString(), e.Message);
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _bindings.Sender = null;
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    // A datagram from the STUN port (a UDP connection request to an address this server saw).
    private async ValueTask SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint target, CancellationToken cancellationToken) =>
        await _socket.SendToAsync(datagram, SocketFlags.None, target, cancellationToken).ConfigureAwait(false);

    // Only cancellation (DisposeAsync) ends the loop: a datagram that cannot be handled (a store failure, a crafted
    // datagram reaching a bug) is counted and logged at most once a minute, and the next one is served. Without this
    // one exception would silently end the server and every device's binding with it.
    private async Task LoopAsync()
    {
        var buffer = new byte[StunMessage.MaxLength + 1];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            EndPoint? from = null;
            try
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
                }
                catch (SocketException) when (!_stop.IsCancellationRequested)
                {
                    // An ICMP port-unreachable from an earlier answer, on some platforms: nothing to do with this datagram.
                    continue;
                }

                from = received.RemoteEndPoint;
                await HandleAsync(buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)from).ConfigureAwait(false);
            }
            catch (Exception e) when (_stop.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
#pragma warning disable CA1031 // The server must outlive any one datagram; the failure is counted and logged (bounded).
            catch (Exception e)
#pragma warning restore CA1031
            {
                var failures = Interlocked.Increment(ref _failures);
                if (_failureLog.Note() > 0)
                {
                    StunLog.Failed(_logger, from?.ToString() ?? "(receive)", failures, e);
                }
            }
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> data, IPEndPoint from)
    {
        if (!StunMessage.TryParse(data.Span, out var request, out var integrity) || request!.Type != StunMessage.BindingRequest)
        {
            return;
        }

        var answer = await AnswerAsync(request, data, integrity, from).ConfigureAwait(false);
        if (answer is null)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        try
        {
            await _socket.SendToAsync(answer, SocketFlags.None, from, _stop.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _answered);
        }
        catch (SocketException) when (!_stop.IsCancellationRequested)
        {
            // The source is gone (or forged and unroutable): nothing to answer.
        }
    }

    // A refusal: Debug each (a keep-alive with stale credentials repeats), a Warning at most once a minute when they come
    // in bursts (a hostile sender cannot flood the log).
    private void Refuse(IPEndPoint from, string reason)
    {
        StunLog.Refused(_logger, from.ToString(), reason);
        if (_refusalLog.Note() is > 0 and var count)
        {
            StunLog.RefusedBurst(_logger, count, from.ToString(), reason, Refused);
        }
    }

    private async Task<byte[]?> AnswerAsync(StunMessage request, ReadOnlyMemory<byte> data, int integrity, IPEndPoint from)
    {
        if (!request.Has(StunMessage.ConnectionRequestBinding) || request.UserName is not { Length: > 0 and <= 256 } user)
        {
            // Anyone's request: MAPPED-ADDRESS too only when the request was as large (pad with SOFTWARE or PADDING).
            return NotLarger(new StunMessage(StunMessage.BindingResponse, request.TransactionId).AddMapped(from).ToBytes(), data.Length)
                ?? NotLarger(new StunMessage(StunMessage.BindingResponse, request.TransactionId).AddMapped(from, legacy: false).ToBytes(), data.Length);
        }

        var (limited, device) = await FindAsync(user, from).ConfigureAwait(false);
        if (limited)
        {
            return null;
        }

        var password = device?.ConnectionRequest?.Password;
        if (device is null || password is null || integrity < 0 || !StunMessage.VerifyIntegrity(data.Span, integrity, password))
        {
            Interlocked.Increment(ref _refused);
            Refuse(from, device is null ? "unknown user" : integrity < 0 ? "no message integrity" : "wrong message integrity");
            return NotLarger(new StunMessage(StunMessage.BindingErrorResponse, request.TransactionId).Add(StunMessage.ErrorCode, [0, 0, 4, 1]).ToBytes(), data.Length);
        }

        if (!_seen.GetOrAdd(device.Id, _ => new RecentIds()).TryAdd(Convert.ToHexString(request.TransactionId)))
        {
            Interlocked.Increment(ref _refused);
            Refuse(from, "replayed transaction id");
            return null;
        }

        var now = _time.GetUtcNow();
        var changed = request.Has(StunMessage.BindingChange);
        if (_bindings.Find(device.Id) is { } current && !current.Address.Equals(from) && !changed && now - current.At < QuietAfter)
        {
            // Moved without saying so: answered (the device learns its new mapping and says BINDING-CHANGE next time),
            // not recorded, so a captured request sent again from elsewhere cannot redirect its connection requests.
            Refuse(from, "address moved without BINDING-CHANGE");
        }
        else
        {
            _bindings.Record(device.Id, from, now, changed);
            Interlocked.Increment(ref _recorded);
        }

        return new StunMessage(StunMessage.BindingResponse, request.TransactionId).AddMapped(from).ToBytes(password);
    }

    private static byte[]? NotLarger(byte[] answer, int requestLength) => answer.Length <= requestLength ? answer : null;

    // The device whose connection-request user name this is (a filter the registry answers from its index), cached for
    // a minute (misses for five seconds), so keep-alives and strangers' repeated guesses do not each cost a store read.
    // Limited: the look-up was not made (the source, or everyone, made too many lately).
    private async Task<(bool Limited, Device? Device)> FindAsync(string user, IPEndPoint from)
    {
        if (user.Any(c => c is '"' or '\\' || char.IsControl(c)))
        {
            return (false, null);
        }

        var now = _time.GetUtcNow();
        if (_users.TryGetValue(user, out var cached) && now - cached.At < (cached.Device is null ? MissLifetime : CacheLifetime))
        {
            return (false, cached.Device);
        }

        if (!_lookupsPerSource.TryTake(from.Address.ToString()) || !_lookupsInAll.TryTake(string.Empty))
        {
            return (true, null);
        }

        Interlocked.Increment(ref _lookups);
        Device? device;
        try
        {
            var page = await _devices.SearchDevicesAsync(new DeviceSearch(FilterParser.Parse($"connectionRequestUser = \"{user}\"", now), Limit: 2), _stop.Token).ConfigureAwait(false);
            device = page.Devices.Count == 1 ? page.Devices[0] : null;
        }
        catch (StoreException)
        {
            return (false, null);
        }

        if (_users.Count >= MaxCached)
        {
            _users.Clear();
        }

        _users[user] = (device, now);
        return (false, device);
    }

    // A device's last transaction ids: one seen again is a replay.
    private sealed class RecentIds
    {
        private const int Kept = 16;
        private readonly Queue<string> _order = new();
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

        public bool TryAdd(string id)
        {
            lock (_ids)
            {
                if (!_ids.Add(id))
                {
                    return false;
                }

                _order.Enqueue(id);
                if (_order.Count > Kept)
                {
                    _ids.Remove(_order.Dequeue());
                }

                return true;
            }
        }
    }
}
