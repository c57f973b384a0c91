using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Palisade.Acs.Devices;
using Palisade.Cwmp.ConnectionRequests;
using Palisade.Security.Digest;
using Palisade.Security.Pki;

namespace Palisade.Acs.ConnectionRequests;

/// <summary>
/// Pokes a CPE so that it opens a session now (TR-069 §3.2.2): HTTP GET to its ConnectionRequestURL answered with
/// Digest (Basic is never sent over plaintext), also to https URLs (certificate checked), or a signed UDP
/// datagram (Annex G), sent three times, when the device reported a UDP address and HTTP cannot reach it, or an XMPP
/// IQ (Annex K, <see cref="UseXmpp"/>) when neither got through.
/// The device chooses the target, so every address is checked by <see cref="CpeAddressPolicy"/> and the socket is
/// connected to the very address that was checked; no redirect is followed, no proxy used, no answer body read.
/// </summary>
public sealed class ConnectionRequester : IDisposable
{
    private readonly HttpClient _http;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _lastReached = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CpeAddressPolicy _policy;
    private readonly DeviceAttemptLimiter _limiter;
    private long _reached;
    private long _refused;
    private long _timeouts;
    private long _unreachable;
    private long _udp;
    private long _refusedAddresses;
    private long _rateLimited;
    private long _xmppSent;
    private Xmpp.XmppConnectionRequests? _xmpp;
    private Func<Device, CancellationToken, Task<string?>>? _jabberIds;

    public ConnectionRequester(ConnectionRequestOptions options, X509Certificate2Collection? trustedCas = null, ConnectionRequesterLimits? limits = null, TimeProvider? time = null, ILogger? logger = null)
        : this(options, trustedCas, limits, time, logger, null)
    {
    }

    internal ConnectionRequester(ConnectionRequestOptions options, X509Certificate2Collection? trustedCas, ConnectionRequesterLimits? limits, TimeProvider? time, ILogger? logger, Func<IReadOnlyCollection<IPAddress>>? interfaces)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _time = time ?? TimeProvider.System;
        limits = (limits ?? new ConnectionRequesterLimits()).Validate();
        _logger = logger ?? NullLogger.Instance;
        _policy = new CpeAddressPolicy(options.ParseNetworks(), _time, interfaces);
        _limiter = new DeviceAttemptLimiter(options.PerDeviceBurst, options.PerDeviceInterval, _time);
        var anchors = trustedCas ?? [];
#pragma warning disable CA2000 // The HttpClient owns and disposes the handler.
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = limits.ConnectTimeout,
            ConnectCallback = ConnectAsync,
            MaxResponseHeadersLength = 16,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            SslOptions = Certificates.ServerAuthentication(anchors, insecure: false),
        };

        // Only the status line and headers are read; a CPE cannot make the ACS buffer a large answer.
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = limits.Timeout, MaxResponseContentBufferSize = limits.MaxResponseBytes };
#pragma warning restore CA2000
    }

    public long Reached => Interlocked.Read(ref _reached);

    /// <summary>Requests the CPE answered but did not accept (credentials, Basic only, another status).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public long Timeouts => Interlocked.Read(ref _timeouts);

    public long Unreachable => Interlocked.Read(ref _unreachable);

    public long UdpSent => Interlocked.Read(ref _udp);

    /// <summary>XMPP connection requests the CPE answered with a result (TR-069 Annex K).</summary>
    public long XmppSent => Interlocked.Read(ref _xmppSent);

    /// <summary>Requests not sent because the address was refused (loopback, metadata, the ACS itself, outside the allow-list).</summary>
    public long RefusedAddresses => Interlocked.Read(ref _refusedAddresses);

    /// <summary>Requests not sent because the device had too many lately.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>The devices' public UDP addresses as the built-in STUN server saw them; preferred to the reported ones.</summary>
    public Stun.StunBindings StunBindings { get; } = new();

    /// <summary>When <paramref name="id"/> last accepted a connection request (since this process started).</summary>
    public DateTimeOffset? LastReached(DeviceId id) => _lastReached.TryGetValue(id.ToString(), out var at) ? at : null;

    /// <summary>The device tag that lets connection requests use Basic when the CPE offers nothing else (over https only).</summary>
    public const string AllowBasicTag = "cr-basic-allowed";

    /// <summary>
    /// Tells the requester the addresses and ports the ACS itself answers on, once its listeners are up: requests to
    /// those ports on loopback or on the ACS's own addresses are refused even where the allow-list opens the address.
    /// </summary>
    public void AddOwnEndpoints(IEnumerable<IPAddress> addresses, IEnumerable<int> ports) => _policy.AddOwn(addresses, ports);

    /// <summary>
    /// Asks <paramref name="device"/> to open a session, as TR-069 orders the ways: HTTP to its ConnectionRequestURL;
    /// when that cannot connect (or the address is refused), signed UDP (Annex G); when neither got through, XMPP (Annex K)
    /// to the Jabber ID it reported, if the ACS has an XMPP account. <paramref name="allowBasic"/>: the device is tagged
    /// <see cref="AllowBasicTag"/>. The outcome lists every attempt.
    /// </summary>
    public async Task<ConnectionRequestOutcome> RequestAsync(Device device, CancellationToken cancellationToken, bool allowBasic = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        var endpoint = device.ConnectionRequest;
        var name = device.Id.ToString();
        var xmpp = _xmpp;
        if (xmpp is null && (endpoint is null || (string.IsNullOrEmpty(endpoint.Url) && string.IsNullOrEmpty(endpoint.UdpAddress))))
        {
            return Count(name, ConnectionRequestOutcome.Of(ConnectionRequestReason.NoEndpoint));
        }

        if (!_limiter.TryTake(name))
        {
            ConnectionRequestLog.RateLimited(_logger, name);
            return Count(name, ConnectionRequestOutcome.Of(ConnectionRequestReason.RateLimited));
        }

        var attempts = new List<ConnectionRequestAttempt>(3);
        var triedHttp = false;
        if (endpoint is not null && !string.IsNullOrEmpty(endpoint.Url) && Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            triedHttp = true;
            var http = await HttpAsync(name, url, endpoint.Username, endpoint.Password, allowBasic, cancellationToken).ConfigureAwait(false);
            attempts.Add(new(ConnectionRequestChannel.Http, http));
            if (http == ConnectionRequestReason.Accepted)
            {
                _lastReached[name] = _time.GetUtcNow();
            }

            if (!TryNext(http))
            {
                return Finish(name, attempts);
            }
        }

        if (endpoint is not null && (!triedHttp || !string.IsNullOrEmpty(endpoint.UdpAddress)))
        {
            var udp = await UdpAsync(name, device.Id, endpoint, cancellationToken).ConfigureAwait(false);
            attempts.Add(new(ConnectionRequestChannel.Udp, udp));
            if (!TryNext(udp))
            {
                return Finish(name, attempts);
            }
        }

        if (xmpp is not null && _jabberIds is not null && await _jabberIds(device, cancellationToken).ConfigureAwait(false) is { Length: > 0 } jid)
        {
            attempts.Add(new(ConnectionRequestChannel.Xmpp, await xmpp.SendAsync(name, jid, endpoint?.Username, endpoint?.Password, cancellationToken).ConfigureAwait(false)));
        }

        return Finish(name, attempts);
    }

    /// <summary>
    /// Lets connection requests go over XMPP (TR-069 Annex K) when HTTP and UDP did not get through: <paramref name="jabberIds"/>
    /// reads the Jabber ID a device reported (ManagementServer.ConnReqJabberID).
    /// </summary>
    public void UseXmpp(Xmpp.XmppConnectionRequests xmpp, Func<Device, CancellationToken, Task<string?>> jabberIds)
    {
        _jabberIds = jabberIds ?? throw new ArgumentNullException(nameof(jabberIds));
        _xmpp = xmpp ?? throw new ArgumentNullException(nameof(xmpp));
    }

    // Whether the next way is worth trying: this one could not get to the device at all.
    private static bool TryNext(ConnectionRequestReason reason) =>
        reason is ConnectionRequestReason.ConnectFailed or ConnectionRequestReason.Timeout or ConnectionRequestReason.RefusedAddress or ConnectionRequestReason.NoEndpoint;

    // The outcome is the last attempt that had something to try (a UDP or XMPP address that is no use does not hide why
    // HTTP failed); every attempt stays listed.
    private ConnectionRequestOutcome Finish(string device, List<ConnectionRequestAttempt> attempts)
    {
        var last = attempts.LastOrDefault(a => a.Reason != ConnectionRequestReason.NoEndpoint)?.Reason ?? ConnectionRequestReason.NoEndpoint;
        return Count(device, ConnectionRequestOutcome.Of(last) with { Attempts = attempts });
    }

    public void Dispose() => _http.Dispose();

    private ConnectionRequestOutcome Count(string device, ConnectionRequestOutcome outcome)
    {
        switch (outcome.Reason)
        {
            case ConnectionRequestReason.Accepted: Interlocked.Increment(ref _reached); break;
            case ConnectionRequestReason.UdpSent: Interlocked.Increment(ref _udp); break;
            case ConnectionRequestReason.XmppSent: Interlocked.Increment(ref _xmppSent); break;
            case ConnectionRequestReason.Timeout: Interlocked.Increment(ref _timeouts); break;
            case ConnectionRequestReason.RefusedAddress: Interlocked.Increment(ref _refusedAddresses); break;
            case ConnectionRequestReason.RateLimited: Interlocked.Increment(ref _rateLimited); break;
            case ConnectionRequestReason.AuthFailed or ConnectionRequestReason.BasicNotAllowed or ConnectionRequestReason.NoCredentials or ConnectionRequestReason.Rejected:
                Interlocked.Increment(ref _refused);
                break;
            case ConnectionRequestReason.ConnectFailed or ConnectionRequestReason.TlsFailed or ConnectionRequestReason.XmppNotConnected: Interlocked.Increment(ref _unreachable); break;
        }

        ConnectionRequestLog.Outcome(_logger, device, outcome.Result, outcome.Reason);
        return outcome;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        // Resolve once, check every address, connect only to a checked one: a name that resolves differently a
        // moment later (DNS rebinding) never gets a second look-up.
        var host = context.DnsEndPoint.Host.TrimStart('[').TrimEnd(']');
        var port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        foreach (var address in addresses)
        {
            var verdict = _policy.Check(address, port);
            if (verdict != AddressVerdict.Allowed)
            {
                throw new AddressRefusedException(address, verdict);
            }
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            Socket? socket = null;
            try
            {
                socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                socket.NoDelay = true;
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                var stream = new NetworkStream(socket, ownsSocket: true);
                socket = null;
                return stream;
            }
            catch (SocketException e)
            {
                last = e;
            }
            finally
            {
                socket?.Dispose();
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private async Task<ConnectionRequestReason> HttpAsync(string device, Uri url, string? username, string? password, bool allowBasic, CancellationToken cancellationToken)
    {
        try
        {
            using var first = await SendAsync(url, null, cancellationToken).ConfigureAwait(false);
            if (first.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent)
            {
                return ConnectionRequestReason.Accepted;
            }

            if (first.StatusCode != HttpStatusCode.Unauthorized)
            {
                return ConnectionRequestReason.Rejected;
            }

            var challenge = DigestClient.PickChallenge(first.Headers.WwwAuthenticate.Select(h => h.ToString()));
            if (challenge is null)
            {
                var basicOffered = first.Headers.WwwAuthenticate.Any(h => h.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase));
                if (!basicOffered)
                {
                    return ConnectionRequestReason.AuthFailed;
                }

                if (!allowBasic || url.Scheme != Uri.UriSchemeHttps)
                {
                    return ConnectionRequestReason.BasicNotAllowed;
                }

                if (username is null || password is null)
                {
                    return ConnectionRequestReason.NoCredentials;
                }

                using var basicReply = await SendAsync(url, BasicCredentials.Header(username, password), cancellationToken).ConfigureAwait(false);
                return Answer(basicReply.StatusCode);
            }

            if (username is null || password is null)
            {
                return ConnectionRequestReason.NoCredentials;
            }

            using var second = await SendAsync(url, new DigestClient(username, password).Authorize(challenge, "GET", url.PathAndQuery), cancellationToken).ConfigureAwait(false);
            return Answer(second.StatusCode);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ConnectionRequestReason.Timeout;
        }
        catch (HttpRequestException e)
        {
            return Failure(device, e);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, string? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        // Only the status line and headers matter: the body is never read.
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private static ConnectionRequestReason Answer(HttpStatusCode status) => status switch
    {
        HttpStatusCode.OK or HttpStatusCode.NoContent => ConnectionRequestReason.Accepted,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ConnectionRequestReason.AuthFailed,
        _ => ConnectionRequestReason.Rejected,
    };

    private ConnectionRequestReason Failure(string device, HttpRequestException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case AddressRefusedException refused:
                    ConnectionRequestLog.RefusedAddress(_logger, device, refused.Address.ToString(), refused.Verdict);
                    return ConnectionRequestReason.RefusedAddress;
                case OperationCanceledException or TimeoutException:
                    return ConnectionRequestReason.Timeout;
            }
        }

        return e.HttpRequestError switch
        {
            HttpRequestError.SecureConnectionError => ConnectionRequestReason.TlsFailed,
            HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError => ConnectionRequestReason.ConnectFailed,
            _ => ConnectionRequestReason.Rejected,
        };
    }

    private async Task<ConnectionRequestReason> UdpAsync(string device, DeviceId deviceId, ConnectionRequestEndpoint endpoint, CancellationToken cancellationToken)
    {
        // Where the device's STUN binding requests came from beats what it reported: that is the NAT's current mapping.
        var target = StunBindings.Find(deviceId)?.Address;
        var viaStun = target is not null ? StunBindings.Sender : null;
        if (target is null && (string.IsNullOrEmpty(endpoint.UdpAddress) || !IPEndPoint.TryParse(endpoint.UdpAddress, out target) || target.Port == 0))
        {
            return ConnectionRequestReason.NoEndpoint;
        }

        var verdict = _policy.Check(target.Address, target.Port);
        if (verdict != AddressVerdict.Allowed)
        {
            ConnectionRequestLog.RefusedAddress(_logger, device, target.Address.ToString(), verdict);
            return ConnectionRequestReason.RefusedAddress;
        }

        if (endpoint.Username is null || endpoint.Password is null)
        {
            return ConnectionRequestReason.NoCredentials;
        }

        using var socket = viaStun is null ? new UdpClient(target.AddressFamily) : null;
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var datagram = UdpConnectionRequest.Build(target.ToString(), now, id, endpoint.Username, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)), endpoint.Password);
        for (var i = 0; i < 3; i++)
        {
            try
            {
                if (viaStun is not null)
                {
                    await viaStun(datagram, target, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await socket!.SendAsync(datagram, target, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // No route, or the STUN server stopped meanwhile: nothing went out.
                return ConnectionRequestReason.ConnectFailed;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
        }

        return ConnectionRequestReason.UdpSent;
    }
}
