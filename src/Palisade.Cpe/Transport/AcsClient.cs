using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Security.Digest;

namespace Palisade.Cpe.Transport;

/// <summary>
/// The CPE's side of CWMP over HTTP: one POST per message, the session cookie kept for the session, Digest
/// answered (SHA-256 preferred), the ACS certificate checked against the configured CAs and the URL's host name.
/// </summary>
public sealed class AcsClient : IDisposable
{
    private const int MaxErrorText = 4096;

    private readonly AcsClientOptions _options;
    private readonly HttpClient _http;
    private readonly CookieContainer _cookies = new();
    private DigestClient? _digest;
    private AuthParameters? _challenge;

    // One per client certificate, for the certificate's life. Given the certificate alone, SslStream builds its chain
    // (against the system store: sorting a hundred-odd roots into a new OpenSSL store) on every handshake; a CPE
    // that opens a connection per session paid that every session. Offline: a CPE fetches no intermediates.
    private static readonly ConditionalWeakTable<X509Certificate2, SslStreamCertificateContext> ClientContexts = new();

    /// <summary>Creates a client; it owns one connection pool.</summary>
    public AcsClient(AcsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AcsUrl.Scheme != Uri.UriSchemeHttps && !(options.AllowPlaintext && options.AcsUrl.Scheme == Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The ACS URL must be https (got '{options.AcsUrl.Scheme}'); plaintext CWMP needs AllowPlaintext.", nameof(options));
        }

        _options = options;
        var tls = TlsOptions(options.TrustedCas, options.InsecureSkipVerify);
        tls.AllowTlsResume = options.AllowTlsResume;
#pragma warning disable CA2000 // The HttpClient owns and disposes the handler.
        var handler = new SocketsHttpHandler
        {
            UseCookies = true,
            CookieContainer = _cookies,
            AllowAutoRedirect = false,
            // Shorter than the ACS keep-alive (Palisade: the 30 s session timeout), so the client never reuses a
            // connection the server is closing at that moment ("response ended prematurely").
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(15),
            MaxConnectionsPerServer = 1,
            AutomaticDecompression = DecompressionMethods.None,
            SslOptions = tls,
        };
        if (options.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificateContext = ClientContexts.GetValue(certificate, static c => SslStreamCertificateContext.Create(c, additionalCertificates: null, offline: true));
        }

        if (options.ConnectTo is { } address)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(address.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(address, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        // A hostile ACS cannot make the CPE buffer more than the protocol allows in one message.
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = options.Timeout, MaxResponseContentBufferSize = options.Limits.MaxBodyBytes };
#pragma warning restore CA2000
        if (options.Username is not null && options.Password is not null)
        {
            _digest = new DigestClient(options.Username, options.Password);
        }
    }

    /// <summary>How the CPE checks any server it talks to (the ACS, a file server): Palisade's certificate check, TLS 1.2 or 1.3 only.</summary>
    internal static System.Net.Security.SslClientAuthenticationOptions TlsOptions(System.Security.Cryptography.X509Certificates.X509Certificate2Collection trustedCas, bool insecure)
    {
        var tls = Palisade.Security.Pki.Certificates.ServerAuthentication(trustedCas, insecure);
        tls.EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
        return tls;
    }

    /// <summary>The ACS this client talks to.</summary>
    public Uri AcsUrl => _options.AcsUrl;

    /// <summary>Replaces the credentials (after the ACS set new ones).</summary>
    public void SetCredentials(string username, string password)
    {
        _options.Username = username;
        _options.Password = password;
        _digest = new DigestClient(username, password);
        _challenge = null;
    }

    /// <summary>
    /// Carries on the Digest state of <paramref name="previous"/> (same ACS, same credentials): the next request
    /// answers the nonce it last held, with the next nonce-count, instead of first drawing a 401. A nonce the ACS
    /// no longer accepts is answered with a new challenge, as always.
    /// </summary>
    public void ContinueAuthentication(AcsClient previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        if (previous._options.AcsUrl == _options.AcsUrl && previous._options.Username == _options.Username
            && previous._options.Password == _options.Password && previous._digest is not null)
        {
            _digest = previous._digest;
            _challenge = previous._challenge;
        }
    }

    /// <summary>Forgets the session cookie (a new session starts with a new Inform).</summary>
    public void EndSession()
    {
        foreach (Cookie cookie in _cookies.GetCookies(_options.AcsUrl))
        {
            cookie.Expired = true;
        }
    }

    /// <summary>Posts one message (null: the empty POST) and reads the answer, answering one Digest challenge.</summary>
    public async Task<AcsReply> SendAsync(CwmpEnvelope? envelope, CancellationToken cancellationToken)
    {
        var body = envelope is null ? [] : CwmpWriter.ToBytes(envelope);
        var response = await PostAsync(body, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized && _digest is not null)
            {
                var challenge = DigestClient.PickChallenge(response.Headers.WwwAuthenticate.Select(h => h.ToString()));
                if (challenge is not null)
                {
                    _challenge = challenge;
                    response.Dispose();
                    response = await PostAsync(body, cancellationToken).ConfigureAwait(false);
                }
            }

            return await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            response.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> PostAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.AcsUrl);
        if (_options.PreferBasic && _options.Username is not null && _options.Password is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", BasicCredentials.Header(_options.Username, _options.Password));
        }
        else if (_challenge is not null && _digest is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", _digest.Authorize(_challenge, "POST", _options.AcsUrl.PathAndQuery));
        }

        if (body.Length > 0)
        {
            if (_options.GzipAbove > 0 && body.Length > _options.GzipAbove)
            {
                using var compressed = new MemoryStream();
                await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
                {
                    await gzip.WriteAsync(body, cancellationToken).ConfigureAwait(false);
                }

                request.Content = new ByteArrayContent(compressed.ToArray());
                request.Content.Headers.ContentEncoding.Add("gzip");
            }
            else
            {
                request.Content = new ByteArrayContent(body);
            }

            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");
        }
        else
        {
            request.Content = new ByteArrayContent([]);
        }

        request.Headers.TryAddWithoutValidation("SOAPAction", string.Empty);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AcsReply> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var retry = response.Headers.RetryAfter?.Delta;
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (status == 200 && bytes.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("xml", StringComparison.OrdinalIgnoreCase) ?? true))
        {
            return new AcsReply(status, CwmpReader.Parse(bytes, _options.Limits), retry, null);
        }

        var text = bytes.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, MaxErrorText));
        return new AcsReply(status, null, retry, text);
    }
}
