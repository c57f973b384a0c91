using System.Net.Sockets;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Palisade.Xmpp;

/// <summary>
/// Keeps one <see cref="XmppConnection"/> logged in: connects, sends a whitespace keep-alive every
/// <see cref="XmppOptions.KeepAlive"/>, and after a failure or a lost stream reconnects with a delay that doubles
/// (with jitter) from <see cref="XmppOptions.ReconnectDelay"/> up to <see cref="XmppOptions.MaxReconnectDelay"/>.
/// </summary>
public sealed class XmppClient : IAsyncDisposable
{
    private readonly XmppOptions _options;
    private readonly Func<XmppConnection, XElement, ValueTask>? _onRequest;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private TaskCompletionSource<XmppConnection> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private XmppConnection? _current;

    public XmppClient(XmppOptions options, Func<XmppConnection, XElement, ValueTask>? onRequest = null, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _onRequest = onRequest;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The logged-in stream, or null while (re)connecting.</summary>
    public XmppConnection? Current => Volatile.Read(ref _current);

    /// <summary>The last reason a connection attempt failed or a stream ended (null while all is well).</summary>
    public string? LastError { get; private set; }

    /// <summary>Raised with the bound full JID after each login, and with null when the stream is lost.</summary>
    public event Action<Jid?>? JidChanged;

    /// <summary>Starts connecting in the background.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_loop.IsCompleted)
            {
                _loop = Task.Run(RunAsync, CancellationToken.None);
            }
        }
    }

    /// <summary>Waits until a stream is logged in (tests, and callers that must not send before).</summary>
    public Task<XmppConnection> ConnectedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _current is { } current ? Task.FromResult(current) : _connected.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var delay = _options.ReconnectDelay;
        var server = $"{_options.Host}:{_options.Port}";
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            XmppConnection connection;
            try
            {
#pragma warning disable CA2000 // Disposed when its stream ends, below.
                connection = await XmppConnection.ConnectAsync(_options, _onRequest, token).ConfigureAwait(false);
#pragma warning restore CA2000
            }
            catch (Exception e) when (e is XmppException or SocketException or IOException)
            {
                LastError = e.Message;
                var wait = Jitter(delay);
                XmppLog.ConnectFailed(_logger, server, _options.Jid.Bare, e.Message, wait);
                if (!await WaitAsync(wait, token).ConfigureAwait(false))
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                continue;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }

            delay = _options.ReconnectDelay;
            LastError = null;
            XmppLog.Connected(_logger, server, connection.Jid.ToString());
            // Listeners learn the JID before anyone waiting for the login goes on.
            JidChanged?.Invoke(connection.Jid);
            lock (_gate)
            {
                _current = connection;
                _connected.TrySetResult(connection);
            }

            var reason = await KeepAliveAsync(connection, token).ConfigureAwait(false);
            lock (_gate)
            {
                _current = null;
                _connected = new TaskCompletionSource<XmppConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            if (token.IsCancellationRequested)
            {
                return;
            }

            LastError = reason;
            XmppLog.Lost(_logger, server, reason);
            JidChanged?.Invoke(null);
            if (!await WaitAsync(Jitter(delay), token).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    // Pings while the stream lives; returns why it ended.
    private async Task<string> KeepAliveAsync(XmppConnection connection, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.KeepAlive, _time);
        var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
        while (true)
        {
            try
            {
                var done = await Task.WhenAny(connection.Completion, tick).ConfigureAwait(false);
                if (done == connection.Completion)
                {
                    return connection.Completion.Exception?.InnerException?.Message ?? "the stream ended";
                }

                if (!await tick.ConfigureAwait(false))
                {
                    return "stopped";
                }

                await connection.PingAsync(cancellationToken).ConfigureAwait(false);
                tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return "stopped";
            }
            catch (Exception e) when (e is XmppException or IOException or SocketException or ObjectDisposedException)
            {
                return e.Message;
            }
        }
    }

    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static TimeSpan Jitter(TimeSpan delay) => delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Min(1000, delay.TotalMilliseconds / 4) + 1));
}
