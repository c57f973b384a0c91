using System.Buffers;
using System.IO.Compression;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Palisade.Acs.Sessions;
using Palisade.Acs.Tasks;

namespace Palisade.Server;

/// <summary>
/// Translates between Kestrel and the engine's <see cref="ICwmpEndpoint"/>: reads the body within the protocol's
/// size limit (after gzip decompression, which is bounded too), hands the engine what it needs to know about the
/// connection, and writes its answer. Errors never leak a stack trace to the network.
/// </summary>
internal sealed class CwmpHttpHandler(ICwmpEndpoint engine, SessionOptions sessions, CwmpListenerLimits limits, ILogger logger, ReachabilityProbes? probes = null)
{
    private readonly int _maxBodyBytes = limits.Codec.MaxBodyBytes;

    // The largest probe upload accepted (a CPE's vendor log); it is read and thrown away.
    private readonly int _maxProbeBytes = limits.MaxProbeBytes;

    // Checked on every CWMP request: built once, not trimmed per request.
    private static readonly PathString ProbePath = new(MoveToHttpsTask.ProbePathPrefix.TrimEnd('/'));

    public async Task HandleAsync(HttpContext context)
    {
        var http = context.Request;
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        try
        {
            if (http.Path.StartsWithSegments(ProbePath, StringComparison.Ordinal, out var rest))
            {
                await HandleProbeAsync(context, rest.HasValue ? rest.Value!.TrimStart('/') : string.Empty).ConfigureAwait(false);
                return;
            }

            if (await ReadBodyAsync(http, context.RequestAborted).ConfigureAwait(false) is not { } body)
            {
                await RefuseInSessionAsync(context, 413, $"The request body exceeds {_maxBodyBytes} bytes (after decompression).").ConfigureAwait(false);
                return;
            }

            CwmpHttpResponse answer;
            try
            {
                answer = await HandleCwmpAsync(context, body.Memory).ConfigureAwait(false);
            }
            finally
            {
                body.Return();
            }

            response.StatusCode = answer.StatusCode;
            foreach (var (name, value) in answer.Headers)
            {
                response.Headers.Append(name, value);
            }

            if (answer.SetSessionCookie is { } token)
            {
                response.Cookies.Append(sessions.CookieName, token, new CookieOptions
                {
                    HttpOnly = true,
                    Secure = context.Request.IsHttps,
                    SameSite = SameSiteMode.Strict,
                    Path = "/",
                });
            }

            if (answer.RetryAfter is { } retry)
            {
                response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (!answer.Body.IsEmpty)
            {
                response.ContentLength = answer.Body.Length;
                await response.Body.WriteAsync(answer.Body, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (BadHttpRequestException e)
        {
            await RefuseInSessionAsync(context, e.StatusCode, e.StatusCode == 413 ? $"The request body exceeds {_maxBodyBytes} bytes." : "Bad request: the body could not be read.").ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            await RefuseInSessionAsync(context, 400, "The gzip-encoded body is corrupt.").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Acs.Storage.StoreException e) when (Operations.StoreOutage.Is(e))
        {
            // The database is away (restarting, failing over): the CPE is told to come back, not that the ACS broke.
            if (!response.HasStarted)
            {
                response.Clear();
            }

            if (Operations.StoreOutage.Begin(response, logger, e))
            {
                await WriteTextAsync(response, 503, "The ACS cannot reach its store right now; retry later.").ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ServerLog.Unhandled(logger, e, context.Connection.RemoteIpAddress?.ToString() ?? "-");
            if (!response.HasStarted)
            {
                response.Clear();
                await WriteTextAsync(response, 500, "Internal error; it has been logged. Retry the session later.").ConfigureAwait(false);
            }
        }
    }

    private ValueTask<CwmpHttpResponse> HandleCwmpAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        var http = context.Request;
        var tls = context.Features.Get<ITlsHandshakeFeature>();
        var facts = new ConnectionFacts(
            context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None,
            context.Connection.RemotePort,
            tls?.Protocol ?? SslProtocols.None,
            context.Connection.ClientCertificate);
        http.Cookies.TryGetValue(sessions.CookieName, out var cookie);
        var request = new CwmpHttpRequest(http.Method, http.Path.HasValue ? http.Path.Value! : "/", cookie, http.Headers.Authorization.Count > 0 ? http.Headers.Authorization[0] : null, body, facts);
        return engine.HandleAsync(request, context.RequestAborted);
    }

    // A moveToHttps probe: the device uploads its vendor log here to show it reaches the ACS over https. Only a
    // valid token over TLS counts; the upload is read (bounded) and discarded, never stored.
    private async Task HandleProbeAsync(HttpContext context, string token)
    {
        var http = context.Request;
        if (!http.IsHttps || probes is null)
        {
            await WriteTextAsync(context.Response, 404, "Not found: reachability probes are received over https only.").ConfigureAwait(false);
            return;
        }

        if (http.Method is not ("PUT" or "POST"))
        {
            context.Response.Headers.Allow = "PUT, POST";
            await WriteTextAsync(context.Response, 405, "A reachability probe is an upload: use PUT or POST.").ConfigureAwait(false);
            return;
        }

        // The token first: an address nobody was given costs no read.
        if (!probes.TryVerify(token, out var taskId))
        {
            await WriteTextAsync(context.Response, 404, "Not found: no such reachability probe.").ConfigureAwait(false);
            return;
        }

        if (http.ContentLength > _maxProbeBytes)
        {
            await WriteTextAsync(context.Response, 413, $"A probe upload may be at most {_maxProbeBytes} bytes.").ConfigureAwait(false);
            return;
        }

        var buffer = new byte[16 * 1024];
        long total = 0;
        int read;
        while ((read = await http.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > _maxProbeBytes)
            {
                await WriteTextAsync(context.Response, 413, $"A probe upload may be at most {_maxProbeBytes} bytes.").ConfigureAwait(false);
                return;
            }
        }

        await probes.RecordArrivalAsync(taskId, context.RequestAborted).ConfigureAwait(false);
        ServerLog.ProbeArrived(logger, context.Connection.RemoteIpAddress?.ToString() ?? "-");
        context.Response.StatusCode = 204;
    }

    // The body in a buffer rented from the shared pool: a session's bodies live only while the engine handles the
    // request (it parses them at once and keeps no reference), and the buffer is cleared when it goes back.
    private readonly record struct RequestBody(byte[]? Rented, int Length)
    {
        public ReadOnlyMemory<byte> Memory => Rented is null ? ReadOnlyMemory<byte>.Empty : Rented.AsMemory(0, Length);

        public void Return()
        {
            if (Rented is not null)
            {
                Release(Rented);
            }
        }

        public static void Release(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
    }

    // Null when the body is larger than the limit (after decompression).
    private async Task<RequestBody?> ReadBodyAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        if (http.ContentLength is 0)
        {
            return new RequestBody(null, 0);
        }

        var encoding = http.Headers.ContentEncoding.ToString();
        Stream source = http.Body;
        GZipStream? gzip = null;
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            gzip = new GZipStream(http.Body, CompressionMode.Decompress, leaveOpen: true);
            source = gzip;
        }
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadHttpRequestException($"Content-Encoding '{Palisade.Cwmp.ClientText.Clip(encoding)}' is not supported (gzip or identity).", 415);
        }

        await using (gzip)
        {
            var initial = http.ContentLength is { } length && length <= _maxBodyBytes && gzip is null ? (int)length : 16 * 1024;
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initial, 1));
            var total = 0;
            var handedOver = false;
            try
            {
                while (true)
                {
                    // A rented buffer may be larger than asked for; never read past the limit into it.
                    var capacity = Math.Min(buffer.Length, _maxBodyBytes);
                    if (total == capacity)
                    {
                        if (capacity >= _maxBodyBytes)
                        {
                            // One more byte than allowed means the body is too large.
                            if (await source.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
                            {
                                return null;
                            }

                            break;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)capacity * 2, _maxBodyBytes));
                        buffer.AsSpan(0, total).CopyTo(larger);
                        RequestBody.Release(buffer);
                        buffer = larger;
                        continue;
                    }

                    var read = await source.ReadAsync(buffer.AsMemory(total, capacity - total), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                }

                handedOver = true;
                return new RequestBody(buffer, total);
            }
            finally
            {
                if (!handedOver)
                {
                    RequestBody.Release(buffer);
                }
            }
        }
    }

    // A request refused before the engine saw it ends the session it belongs to: the device would otherwise get 503
    // for every new session until this one timed out.
    private async Task RefuseInSessionAsync(HttpContext context, int status, string message)
    {
        if (context.Request.Cookies.TryGetValue(sessions.CookieName, out var cookie) && context.Connection.RemoteIpAddress is { } remote
            && await engine.EndRefusedAsync(cookie, remote, context.RequestAborted).ConfigureAwait(false))
        {
            message += " The session has ended.";
        }

        await WriteTextAsync(context.Response, status, message).ConfigureAwait(false);
    }

    private static async Task WriteTextAsync(HttpResponse response, int status, string message)
    {
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message + "\n").ConfigureAwait(false);
    }
}
