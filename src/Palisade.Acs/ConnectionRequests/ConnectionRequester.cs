using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Palisade.Acs.Devices;
using Palisade.Cwmp.ConnectionRequests;
using Palisade.Security.Digest;
using Palisade.Security.Pki;

namespace Palisade.Acs.ConnectionRequests;

/// <summary>How a connection request went.</summary>
public enum ConnectionRequestResult
{
    /// <summary>The CPE accepted it (HTTP 200/204) and will open a session.</summary>
    Reached,

    /// <summary>A UDP request was sent (UDP has no answer; the session shows whether it arrived).</summary>
    SentUdp,

    /// <summary>The CPE refused the credentials, or asked for Basic over plaintext.</summary>
    Refused,

    /// <summary>The CPE did not answer in time.</summary>
    Timeout,

    /// <summary>No route, connection refused, TLS failure.</summary>
    Unreachable,

    /// <summary>The device never reported a connection-request URL.</summary>
    NoEndpoint,
}

/// <summary>The outcome with a one-line reason for the operator.</summary>
public sealed record ConnectionRequestOutcome(ConnectionRequestResult Result, string Detail);

/// <summary>
/// Pokes a CPE so that it opens a session now (TR-069 §3.2.2): HTTP GET to its ConnectionRequestURL answered with
/// Digest (Basic is never sent over plaintext), also to https URLs (certificate checked), or a signed UDP
/// datagram (Annex G), sent three times, when the device reported a UDP address and HTTP cannot reach it.
/// </summary>
public sealed class ConnectionRequester : IDisposable
{
    private readonly HttpClient _http;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _lastReached = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _reached;
    private long _refused;
    private long _timeouts;
    private long _unreachable;
    private long _udp;

    public ConnectionRequester(X509Certificate2Collection? trustedCas = null, ConnectionRequesterLimits? limits = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        limits = (limits ?? new ConnectionRequesterLimits()).Validate();
        var anchors = trustedCas ?? [];
#pragma warning disable CA2000 // The HttpClient owns and disposes the handler.
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = limits.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            SslOptions = Certificates.ServerAuthentication(anchors, insecure: false),
        };
        // Only the status matters; a CPE cannot make the ACS buffer a large answer.
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = limits.Timeout, MaxResponseContentBufferSize = limits.MaxResponseBytes };
#pragma warning restore CA2000
    }

    public long Reached => Interlocked.Read(ref _reached);

    public long Refused => Interlocked.Read(ref _refused);

    public long Timeouts => Interlocked.Read(ref _timeouts);

    public long Unreachable => Interlocked.Read(ref _unreachable);

    public long UdpSent => Interlocked.Read(ref _udp);

    /// <summary>When <paramref name="id"/> last accepted a connection request (since this process started).</summary>
    public DateTimeOffset? LastReached(DeviceId id) => _lastReached.TryGetValue(id.ToString(), out var at) ? at : null;

    /// <summary>The device tag that lets connection requests use Basic when the CPE offers nothing else (over https only).</summary>
    public const string AllowBasicTag = "cr-basic-allowed";

    /// <summary>Asks <paramref name="device"/> to open a session. <paramref name="allowBasic"/>: the device is tagged <see cref="AllowBasicTag"/>.</summary>
    public async Task<ConnectionRequestOutcome> RequestAsync(Device device, CancellationToken cancellationToken, bool allowBasic = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        var endpoint = device.ConnectionRequest;
        if (endpoint is null || (string.IsNullOrEmpty(endpoint.Url) && string.IsNullOrEmpty(endpoint.UdpAddress)))
        {
            return new(ConnectionRequestResult.NoEndpoint, "the device has not reported a connection-request URL");
        }

        ConnectionRequestOutcome outcome;
        if (!string.IsNullOrEmpty(endpoint.Url) && Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            outcome = await HttpAsync(url, endpoint.Username, endpoint.Password, allowBasic, cancellationToken).ConfigureAwait(false);
            if (outcome.Result == ConnectionRequestResult.Reached)
            {
                _lastReached[device.Id.ToString()] = _time.GetUtcNow();
            }

            if (outcome.Result is not (ConnectionRequestResult.Unreachable or ConnectionRequestResult.Timeout) || string.IsNullOrEmpty(endpoint.UdpAddress))
            {
                return Count(outcome);
            }
        }

        outcome = await UdpAsync(endpoint, cancellationToken).ConfigureAwait(false);
        return Count(outcome);
    }

    public void Dispose() => _http.Dispose();

    private ConnectionRequestOutcome Count(ConnectionRequestOutcome outcome)
    {
        switch (outcome.Result)
        {
            case ConnectionRequestResult.Reached: Interlocked.Increment(ref _reached); break;
            case ConnectionRequestResult.Refused: Interlocked.Increment(ref _refused); break;
            case ConnectionRequestResult.Timeout: Interlocked.Increment(ref _timeouts); break;
            case ConnectionRequestResult.Unreachable: Interlocked.Increment(ref _unreachable); break;
            case ConnectionRequestResult.SentUdp: Interlocked.Increment(ref _udp); break;
        }

        return outcome;
    }

    private async Task<ConnectionRequestOutcome> HttpAsync(Uri url, string? username, string? password, bool allowBasic, CancellationToken cancellationToken)
    {
        try
        {
            using var first = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            if (first.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent)
            {
                return new(ConnectionRequestResult.Reached, "the CPE accepted without authentication (it should not)");
            }

            if (first.StatusCode != HttpStatusCode.Unauthorized)
            {
                return new(first.StatusCode == HttpStatusCode.ServiceUnavailable ? ConnectionRequestResult.Timeout : ConnectionRequestResult.Refused, $"the CPE answered {(int)first.StatusCode}");
            }

            var challenge = DigestClient.PickChallenge(first.Headers.WwwAuthenticate.Select(h => h.ToString()));
            if (challenge is null)
            {
                var basicOffered = first.Headers.WwwAuthenticate.Any(h => h.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase));
                if (!basicOffered || !allowBasic || url.Scheme != Uri.UriSchemeHttps || username is null || password is null)
                {
                    return new(ConnectionRequestResult.Refused, basicOffered
                        ? $"the CPE offers only Basic, which is sent only over https to devices tagged '{AllowBasicTag}'"
                        : "the CPE offers no Digest challenge");
                }

                using var basic = new HttpRequestMessage(HttpMethod.Get, url);
                basic.Headers.TryAddWithoutValidation("Authorization", BasicCredentials.Header(username, password));
                using var basicReply = await _http.SendAsync(basic, cancellationToken).ConfigureAwait(false);
                return basicReply.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent
                    ? new(ConnectionRequestResult.Reached, "the CPE accepted the request (Basic over https, allowed for this device)")
                    : new(ConnectionRequestResult.Refused, $"the CPE answered {(int)basicReply.StatusCode} to the Basic credentials");
            }

            if (username is null || password is null)
            {
                return new(ConnectionRequestResult.Refused, "no connection-request credentials are stored for this device");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Authorization", new DigestClient(username, password).Authorize(challenge, "GET", url.PathAndQuery));
            using var second = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return second.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent
                ? new(ConnectionRequestResult.Reached, "the CPE accepted the request")
                : second.StatusCode == HttpStatusCode.ServiceUnavailable
                    ? new(ConnectionRequestResult.Timeout, "the CPE is rate-limiting connection requests (503)")
                    : new(ConnectionRequestResult.Refused, $"the CPE answered {(int)second.StatusCode} to the Digest credentials");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(ConnectionRequestResult.Timeout, "the CPE did not answer in time");
        }
        catch (HttpRequestException e)
        {
            return new(ConnectionRequestResult.Unreachable, e.Message);
        }
    }

    private async Task<ConnectionRequestOutcome> UdpAsync(ConnectionRequestEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(endpoint.UdpAddress) || !IPEndPoint.TryParse(endpoint.UdpAddress, out var target) || target.Port == 0)
        {
            return new(ConnectionRequestResult.Unreachable, "the connection-request URL cannot be reached and no usable UDP address is known");
        }

        if (endpoint.Username is null || endpoint.Password is null)
        {
            return new(ConnectionRequestResult.Refused, "no connection-request credentials are stored for this device");
        }

        using var socket = new UdpClient(target.AddressFamily);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var datagram = UdpConnectionRequest.Build(endpoint.UdpAddress, now, id, endpoint.Username, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)), endpoint.Password);
        for (var i = 0; i < 3; i++)
        {
            await socket.SendAsync(datagram, target, cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
        }

        return new(ConnectionRequestResult.SentUdp, $"three signed UDP datagrams sent to {endpoint.UdpAddress}");
    }
}
