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
/// dropped unanswered.
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
    private long _answered;
    private long _recorded;
    private long _refused;

    private StunServer(Socket socket, IDeviceRegistry devices, StunBindings bindings, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _devices = devices;
        _bindings = bindings;
        _time = time;
        _logger = logger;
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

    private async Task LoopAsync()
    {
        var buffer = new byte[StunMessage.MaxLength + 1];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP port-unreachable from an earlier answer, on some platforms: nothing to do with this datagram.
                continue;
            }

            var from = (IPEndPoint)received.RemoteEndPoint;
            var data = buffer.AsMemory(0, received.ReceivedBytes);
            if (!StunMessage.TryParse(data.Span, out var request, out var integrity) || request!.Type != StunMessage.BindingRequest)
            {
                continue;
            }

            var answer = await AnswerAsync(request, data, integrity, from).ConfigureAwait(false);
            try
            {
                await _socket.SendToAsync(answer, SocketFlags.None, from, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _answered);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task<byte[]> AnswerAsync(StunMessage request, ReadOnlyMemory<byte> data, int integrity, IPEndPoint from)
    {
        var response = new StunMessage(StunMessage.BindingResponse, request.TransactionId).AddMapped(from);
        if (!request.Has(StunMessage.ConnectionRequestBinding) || request.UserName is not { Length: > 0 and <= 256 } user)
        {
            return response.ToBytes();
        }

        var device = await FindAsync(user).ConfigureAwait(false);
        var password = device?.ConnectionRequest?.Password;
        if (device is null || password is null || integrity < 0 || !StunMessage.VerifyIntegrity(data.Span, integrity, password))
        {
            Interlocked.Increment(ref _refused);
            StunLog.Refused(_logger, from.ToString(), device is null ? "unknown user" : integrity < 0 ? "no message integrity" : "wrong message integrity");
            return new StunMessage(StunMessage.BindingErrorResponse, request.TransactionId)
                .Add(StunMessage.ErrorCode, [0, 0, 4, 1, .. "Unauthorized"u8.ToArray()])
                .ToBytes();
        }

        _bindings.Record(device.Id, from, _time.GetUtcNow(), request.Has(StunMessage.BindingChange));
        Interlocked.Increment(ref _recorded);
        return response.ToBytes(password);
    }

    // The device whose connection-request user name this is (a filter the registry answers from its index), cached for
    // a minute (misses for five seconds), so keep-alives and strangers' repeated guesses do not each cost a store read.
    private async Task<Device?> FindAsync(string user)
    {
        if (user.Any(c => c is '"' or '\\' || char.IsControl(c)))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (_users.TryGetValue(user, out var cached) && now - cached.At < (cached.Device is null ? MissLifetime : CacheLifetime))
        {
            return cached.Device;
        }

        Device? device;
        try
        {
            var page = await _devices.SearchDevicesAsync(new DeviceSearch(FilterParser.Parse($"connectionRequestUser = \"{user}\"", now), Limit: 2), _stop.Token).ConfigureAwait(false);
            device = page.Devices.Count == 1 ? page.Devices[0] : null;
        }
        catch (StoreException)
        {
            return null;
        }

        if (_users.Count >= MaxCached)
        {
            _users.Clear();
        }

        _users[user] = (device, now);
        return device;
    }
}
