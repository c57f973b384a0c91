using System.Net.Security;
using System.Text;

namespace Palisade.Audit;

/// <summary>A bounded HTTP client for probes: no redirects, no cookies kept, certificate errors tolerated (they are reported by the TLS probe).</summary>
internal sealed class HttpProbe : IDisposable
{
    private const int MaxBody = 64 * 1024;
    private readonly HttpClient _http;

    public HttpProbe(AuditOptions options, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(options);
#pragma warning disable CA2000 // The HttpClient owns the handler.
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = timeout ?? options.Timeout };
#pragma warning restore CA2000
    }

    public sealed record Reply(int Status, string Body, HttpResponseHeaders Headers, string? Error)
    {
        public IEnumerable<string> Challenges => Headers?.WwwAuthenticate.Select(h => h.ToString()) ?? [];
    }

    public Task<Reply> SendAsync(HttpMethod method, Uri url, byte[]? body, string? authorization, string? cookie, bool expectContinue, CancellationToken cancellationToken) =>
        SendAsync(method, url, body, "text/xml", authorization, cookie, expectContinue, cancellationToken);

    /// <summary>A JSON request to an API, with a bearer token when one is given.</summary>
    public Task<Reply> SendJsonAsync(HttpMethod method, Uri url, string? json, string? bearer, CancellationToken cancellationToken) =>
        SendAsync(method, url, json is null ? null : Encoding.UTF8.GetBytes(json), "application/json", bearer is null ? null : "Bearer " + bearer, null, false, cancellationToken);

    private async Task<Reply> SendAsync(HttpMethod method, Uri url, byte[]? body, string contentType, string? authorization, string? cookie, bool expectContinue, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        request.Headers.ExpectContinue = expectContinue;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[MaxBody];
            var read = 0;
            int n;
            while (read < MaxBody && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
            {
                read += n;
            }

            var headers = new HttpResponseHeaders();
            headers.CopyFrom(response);
            return new Reply((int)response.StatusCode, Encoding.UTF8.GetString(buffer, 0, read), headers, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Reply(0, string.Empty, new HttpResponseHeaders(), e.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The response headers a probe looks at.</summary>
internal sealed class HttpResponseHeaders
{
    public List<System.Net.Http.Headers.AuthenticationHeaderValue> WwwAuthenticate { get; } = [];

    public string? Server { get; private set; }

    public string? PoweredBy { get; private set; }

    public string? SetCookie { get; private set; }

    public string? ContentType { get; private set; }

    public TimeSpan? RetryAfter { get; private set; }

    public void CopyFrom(HttpResponseMessage response)
    {
        WwwAuthenticate.AddRange(response.Headers.WwwAuthenticate);
        Server = response.Headers.TryGetValues("Server", out var server) ? string.Join(' ', server) : null;
        PoweredBy = response.Headers.TryGetValues("X-Powered-By", out var powered) ? string.Join(' ', powered) : null;
        SetCookie = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.First().Split(';')[0] : null;
        ContentType = response.Content.Headers.ContentType?.MediaType;
        RetryAfter = response.Headers.RetryAfter?.Delta;
    }
}
