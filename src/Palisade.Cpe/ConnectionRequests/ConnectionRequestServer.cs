using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Palisade.Cpe.Agent;
using Palisade.Security.Digest;

namespace Palisade.Cpe.ConnectionRequests;

/// <summary>
/// The connection-request endpoint (TR-069 §3.2.2) of one or many agents, multiplexed by a random per-device
/// path. It answers only <c>GET</c> on a registered path: any other path is 404 and any other method 405, before
/// anything else is read. Requests must carry Digest (qop=auth) with the device's ConnectionRequestUsername and
/// Password; replays are refused; each device is rate-limited (503). Only then does the device open a session
/// with "6 CONNECTION REQUEST". Nothing else is ever served on this socket.
/// </summary>
public sealed class ConnectionRequestServer : IAsyncDisposable
{
    /// <summary>The Digest realm of connection requests.</summary>
    public const string Realm = "Palisade CPE";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Registration> _devices = new(StringComparer.Ordinal);
    private readonly DigestAuthenticator _digest;
    private readonly ReplayGuard _replays;
    private readonly TimeProvider _time;
    private readonly double _burst;
    private readonly double _perSecond;

    private ConnectionRequestServer(WebApplication app, TimeProvider time, double burst, double perSecond, ConnectionRequestListenerLimits limits)
    {
        _app = app;
        _time = time;
        _burst = burst;
        _perSecond = perSecond;
        _replays = new ReplayGuard(time, limits.MaxReplayEntries);
        _digest = new DigestAuthenticator(Realm, new NonceService(time, limits.NonceLifetime), _replays);
    }

    /// <summary>Where the listener is bound.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Requests that led to a session.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Requests refused for authentication (missing, wrong, replayed).</summary>
    public long Unauthorized => Interlocked.Read(ref _unauthorized);

    /// <summary>Requests refused by the rate limit.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Requests to no registered path, or with another method.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    private long _accepted;
    private long _unauthorized;
    private long _rateLimited;
    private long _rejected;

    /// <summary>Starts a listener on <paramref name="address"/>:<paramref name="port"/> (0: any free port) within <paramref name="limits"/> (the defaults when null).</summary>
    public static async Task<ConnectionRequestServer> StartAsync(IPAddress address, int port, TimeProvider? time = null, double burst = 3, double perSecond = 0.5, ConnectionRequestListenerLimits? limits = null, CancellationToken cancellationToken = default)
    {
        // The CPE's own listener: it shares no code with the ACS's listeners (Palisade.Server), which a CPE must not depend on.
        limits = (limits ?? new ConnectionRequestListenerLimits()).Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 0;
            k.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalBytes;
            k.Limits.MaxRequestLineSize = limits.MaxRequestLineBytes;
            k.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            k.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            k.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
            k.Listen(address, port);
        });
        var app = builder.Build();
        var server = new ConnectionRequestServer(app, time ?? TimeProvider.System, burst, perSecond, limits);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal));
        return server;
    }

    /// <summary>Gives <paramref name="agent"/> a random path here and sets its ConnectionRequestURL.</summary>
    public Uri Register(CpeAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        string path;
        do
        {
            path = "/" + RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyz23456789", 24);
        }
        while (!_devices.TryAdd(path, new Registration(agent, new TokenBucket(_burst, _perSecond, _time))));

        var url = new Uri(BaseUrl, path);
        agent.SetConnectionRequestUrl(url.ToString());
        return url;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        var path = context.Request.Path.Value ?? string.Empty;
        if (!_devices.TryGetValue(path, out var registration))
        {
            Interlocked.Increment(ref _rejected);
            response.StatusCode = 404;
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method))
        {
            Interlocked.Increment(ref _rejected);
            response.StatusCode = 405;
            response.Headers.Allow = "GET";
            return;
        }

        if (!registration.Limit.TryTake())
        {
            Interlocked.Increment(ref _rateLimited);
            response.StatusCode = 503;
            response.Headers.RetryAfter = "10";
            return;
        }

        var credentials = registration.Agent.ConnectionRequestCredentials;
        var header = context.Request.Headers.Authorization.ToString();
        if (credentials is null || header.Length == 0 || !AuthParameters.TryParse(header, out var parsed))
        {
            Challenge(response, path, stale: false, counted: header.Length > 0);
            return;
        }

        var (user, password) = credentials.Value;
        var result = _digest.Verify(parsed, "GET", context.Request.Path + context.Request.QueryString, path,
            (name, algorithm) => name == user ? DigestMath.Ha1(algorithm, user, Realm, password) : null);
        if (!result.IsAccepted)
        {
            Challenge(response, path, result.Outcome == DigestOutcome.Stale, counted: true);
            return;
        }

        Interlocked.Increment(ref _accepted);
        registration.Agent.ConnectionRequested();
        response.StatusCode = 200;
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private void Challenge(HttpResponse response, string path, bool stale, bool counted)
    {
        if (counted)
        {
            Interlocked.Increment(ref _unauthorized);
        }

        response.StatusCode = 401;
        foreach (var challenge in _digest.Challenges(path, stale))
        {
            response.Headers.Append("WWW-Authenticate", challenge);
        }
    }

    private sealed record Registration(CpeAgent Agent, TokenBucket Limit);
}
