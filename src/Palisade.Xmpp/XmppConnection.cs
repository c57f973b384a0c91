using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Xml.Linq;
using Palisade.Security.Pki;

namespace Palisade.Xmpp;

/// <summary>
/// One logged-in XMPP client stream (RFC 6120): TCP, STARTTLS (required; the server's certificate must chain to the
/// configured CAs or the system's roots and name the JID's domain), SASL SCRAM-SHA-1 (PLAIN only when the server offers
/// no SCRAM, and only inside TLS), resource binding and the session. After the handshake one loop reads stanzas: answers
/// to this side's IQs complete their <see cref="RequestAsync"/>, IQ requests go to the handler, anything else is dropped.
/// </summary>
public sealed class XmppConnection : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<XElement>> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Socket _socket;
    private readonly XmppOptions _options;
    private Stream _stream;
    private StanzaReader? _reader;
    private Func<XmppConnection, XElement, ValueTask>? _onRequest;
    private Task _loop = Task.CompletedTask;
    private long _ids;
    private bool _established;

    private XmppConnection(Socket socket, XmppOptions options)
    {
        _socket = socket;
        _options = options;
        _stream = Stream.Null;
        Jid = options.Jid;
    }

    /// <summary>The full JID the server bound for this stream.</summary>
    public Jid Jid { get; private set; }

    /// <summary>Completes when the stream ends: faulted with the reason, or normally when the server closed it.</summary>
    public Task Completion => _loop;

    /// <summary>
    /// Connects and logs in; throws <see cref="XmppException"/> (with what went wrong), <see cref="SocketException"/> or
    /// <see cref="IOException"/>. <paramref name="onRequest"/> receives every IQ get/set addressed to this client.
    /// </summary>
    public static async Task<XmppConnection> ConnectAsync(XmppOptions options, Func<XmppConnection, XElement, ValueTask>? onRequest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Limits.HandshakeTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
#pragma warning disable CA2000 // Disposed on every failure below; on success the caller owns it.
        var connection = new XmppConnection(socket, options);
#pragma warning restore CA2000
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            connection._stream = new NetworkStream(socket, ownsSocket: false);
            await connection.HandshakeAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new XmppException($"the XMPP server {options.Host}:{options.Port} did not complete the handshake within {options.Limits.HandshakeTimeout.TotalSeconds:0} s");
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        connection._onRequest = onRequest;
        connection._established = true;
        connection._loop = Task.Run(connection.ReadLoopAsync, CancellationToken.None);
        return connection;
    }

    /// <summary>Sends an IQ (an id is added when it has none) and waits for its result or error stanza.</summary>
    public async Task<XElement> RequestAsync(XElement iq, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(iq);
        var id = (string?)iq.Attribute("id") ?? "p" + Interlocked.Increment(ref _ids).ToString(System.Globalization.CultureInfo.InvariantCulture);
        iq.SetAttributeValue("id", id);
        var answer = new TaskCompletionSource<XElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            await SendAsync(iq, cancellationToken).ConfigureAwait(false);
            return await answer.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Sends one stanza.</summary>
    public Task SendAsync(XElement stanza, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        return WriteAsync(stanza.ToString(SaveOptions.DisableFormatting | SaveOptions.OmitDuplicateNamespaces), cancellationToken);
    }

    /// <summary>A whitespace keep-alive (RFC 6120 §4.6.1): keeps NATs and the server from dropping an idle stream.</summary>
    public Task PingAsync(CancellationToken cancellationToken) => WriteAsync(" ", cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        if (_established)
        {
            try
            {
                using var bye = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await WriteAsync("</stream:stream>", bye.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or AuthenticationException)
            {
                // The stream is gone already.
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is XmppException or IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // How it ended was reported through Completion.
        }

        _reader?.Dispose();
        _write.Dispose();
        _stop.Dispose();
    }

    /// <summary>An IQ error answer to <paramref name="request"/> with one RFC 6120 §8.3.3 condition.</summary>
    public static XElement Error(XElement request, string type, string condition)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new XElement(
            XmppNames.Iq,
            new XAttribute("type", "error"),
            new XAttribute("id", (string?)request.Attribute("id") ?? string.Empty),
            (string?)request.Attribute("from") is { } from ? new XAttribute("to", from) : null,
            new XElement(XName.Get("error", XmppNames.Client), new XAttribute("type", type), new XElement(XName.Get(condition, XmppNames.Stanzas))));
    }

    /// <summary>An empty IQ result answering <paramref name="request"/>.</summary>
    public static XElement Result(XElement request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new XElement(
            XmppNames.Iq,
            new XAttribute("type", "result"),
            new XAttribute("id", (string?)request.Attribute("id") ?? string.Empty),
            (string?)request.Attribute("from") is { } from ? new XAttribute("to", from) : null);
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var features = await OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        if (features.Element(XName.Get("starttls", XmppNames.Tls)) is null)
        {
            throw new XmppException("the XMPP server does not offer STARTTLS; this client never logs in without TLS");
        }

        await WriteAsync($"<starttls xmlns='{XmppNames.Tls}'/>", cancellationToken).ConfigureAwait(false);
        var proceed = await NextAsync(cancellationToken).ConfigureAwait(false);
        if (proceed.Name != XName.Get("proceed", XmppNames.Tls))
        {
            throw new XmppException($"the XMPP server refused STARTTLS ({proceed.Name.LocalName})");
        }

        _reader?.Dispose();
        _reader = null;
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        _stream = tls;
        var ssl = Certificates.ServerAuthentication(_options.TrustedCas, insecure: false);
        ssl.TargetHost = _options.Jid.Domain;
        ssl.EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        try
        {
            await tls.AuthenticateAsClientAsync(ssl, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException e)
        {
            throw new XmppException($"TLS with the XMPP server failed: its certificate is not trusted for '{_options.Jid.Domain}' or the handshake failed ({e.Message})", e);
        }

        features = await OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        await AuthenticateAsync(features, cancellationToken).ConfigureAwait(false);
        features = await OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        if (features.Element(XName.Get("bind", XmppNames.Bind)) is null)
        {
            throw new XmppException("the XMPP server offers no resource binding");
        }

        var bind = await HandshakeIqAsync(
            new XElement(XName.Get("bind", XmppNames.Bind), _options.Jid.Resource is { } resource ? new XElement(XName.Get("resource", XmppNames.Bind), resource) : null),
            cancellationToken).ConfigureAwait(false);
        var bound = (string?)bind.Element(XName.Get("bind", XmppNames.Bind))?.Element(XName.Get("jid", XmppNames.Bind));
        if (!Jid.TryParse(bound, out var jid) || jid.Bare != _options.Jid.Bare || jid.Resource is null)
        {
            throw new XmppException("the XMPP server bound no full JID of this account");
        }

        Jid = jid;
        if (features.Element(XName.Get("session", XmppNames.Session)) is { } session && session.Element(XName.Get("optional", XmppNames.Session)) is null)
        {
            await HandshakeIqAsync(new XElement(XName.Get("session", XmppNames.Session)), cancellationToken).ConfigureAwait(false);
        }

        // Available, so that the server routes stanzas to this resource (no roster is asked for: no presence comes back).
        await WriteAsync($"<presence xmlns='{XmppNames.Client}'/>", cancellationToken).ConfigureAwait(false);
    }

    private async Task AuthenticateAsync(XElement features, CancellationToken cancellationToken)
    {
        var offered = features.Element(XName.Get("mechanisms", XmppNames.Sasl))?.Elements(XName.Get("mechanism", XmppNames.Sasl)).Select(m => m.Value.Trim()).ToHashSet(StringComparer.Ordinal) ?? [];
        var user = _options.Jid.Local;
        if (offered.Contains("SCRAM-SHA-1"))
        {
            var scram = new ScramSha1(user, _options.Password);
            await WriteAsync(Sasl("auth", scram.ClientFirst, "SCRAM-SHA-1"), cancellationToken).ConfigureAwait(false);
            var challenge = await NextAsync(cancellationToken).ConfigureAwait(false);
            if (challenge.Name != XName.Get("challenge", XmppNames.Sasl))
            {
                throw Failed(challenge);
            }

            await WriteAsync(Sasl("response", scram.ClientFinal(Decode(challenge.Value)), null), cancellationToken).ConfigureAwait(false);
            var success = await NextAsync(cancellationToken).ConfigureAwait(false);
            if (success.Name != XName.Get("success", XmppNames.Sasl))
            {
                throw Failed(success);
            }

            if (!scram.VerifyServerFinal(Decode(success.Value)))
            {
                throw new XmppException("the XMPP server's SCRAM signature is wrong: it does not know this account's password (not the real server?)");
            }

            return;
        }

        if (!offered.Contains("PLAIN") || !_options.AllowPlain)
        {
            throw new XmppException($"the XMPP server offers no mechanism this client uses (SCRAM-SHA-1{(_options.AllowPlain ? " or PLAIN" : string.Empty)}): {string.Join(", ", offered)}");
        }

        // PLAIN only ever inside the TLS stream set up above.
        await WriteAsync(Sasl("auth", "\0" + user + "\0" + _options.Password, "PLAIN"), cancellationToken).ConfigureAwait(false);
        var reply = await NextAsync(cancellationToken).ConfigureAwait(false);
        if (reply.Name != XName.Get("success", XmppNames.Sasl))
        {
            throw Failed(reply);
        }
    }

    private static XmppException Failed(XElement reply) =>
        new(reply.Name == XName.Get("failure", XmppNames.Sasl)
            ? $"the XMPP server refused the login ({reply.Elements().FirstOrDefault()?.Name.LocalName ?? "failure"}): check the JID and password"
            : $"unexpected <{reply.Name.LocalName}> during SASL");

    private static string Sasl(string element, string payload, string? mechanism) =>
        $"<{element} xmlns='{XmppNames.Sasl}'{(mechanism is null ? string.Empty : $" mechanism='{mechanism}'")}>{Convert.ToBase64String(Encoding.UTF8.GetBytes(payload))}</{element}>";

    private static string Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
        }
        catch (FormatException e)
        {
            throw new XmppException("the XMPP server sent SASL data that is not base64", e);
        }
    }

    private async Task<XElement> HandshakeIqAsync(XElement payload, CancellationToken cancellationToken)
    {
        var id = "h" + Interlocked.Increment(ref _ids).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync(new XElement(XmppNames.Iq, new XAttribute("type", "set"), new XAttribute("id", id), payload), cancellationToken).ConfigureAwait(false);
        var answer = await NextAsync(cancellationToken).ConfigureAwait(false);
        if (answer.Name != XmppNames.Iq || (string?)answer.Attribute("id") != id || (string?)answer.Attribute("type") != "result")
        {
            throw new XmppException($"the XMPP server refused <{payload.Name.LocalName}>");
        }

        return answer;
    }

    // Sends a stream header on the current transport and reads the server's header and features.
    private async Task<XElement> OpenStreamAsync(CancellationToken cancellationToken)
    {
        _reader?.Dispose();
        _reader = new StanzaReader(_stream, _options.Limits);
        var domain = System.Security.SecurityElement.Escape(_options.Jid.Domain);
        var from = System.Security.SecurityElement.Escape(_options.Jid.Bare);
        await WriteAsync($"<?xml version='1.0'?><stream:stream to='{domain}' from='{from}' version='1.0' xml:lang='en' xmlns='{XmppNames.Client}' xmlns:stream='{XmppNames.Streams}'>", cancellationToken).ConfigureAwait(false);
        var header = await _reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        if ((string?)header.Attribute("version") is not { } version || !version.StartsWith("1.", StringComparison.Ordinal))
        {
            throw new XmppException("the XMPP server does not speak XMPP 1.0");
        }

        var features = await NextAsync(cancellationToken).ConfigureAwait(false);
        return features.Name == XmppNames.Features ? features : throw new XmppException($"expected stream features, got <{features.Name.LocalName}>");
    }

    private async Task<XElement> NextAsync(CancellationToken cancellationToken)
    {
        var stanza = await _reader!.ReadStanzaAsync(cancellationToken).ConfigureAwait(false) ?? throw new XmppException("the XMPP server closed the stream");
        return stanza.Name == XmppNames.StreamError ? throw StreamError(stanza) : stanza;
    }

    private static XmppException StreamError(XElement error) =>
        new($"the XMPP server ended the stream: {error.Elements().FirstOrDefault()?.Name.LocalName ?? "error"}");

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _reader!.ReadStanzaAsync(_stop.Token).ConfigureAwait(false) is { } stanza)
            {
                if (stanza.Name == XmppNames.StreamError)
                {
                    throw StreamError(stanza);
                }

                if (stanza.Name != XmppNames.Iq)
                {
                    continue;
                }

                var type = (string?)stanza.Attribute("type");
                var id = (string?)stanza.Attribute("id");
                if (type is "result" or "error")
                {
                    if (id is not null && _pending.TryGetValue(id, out var waiter))
                    {
                        waiter.TrySetResult(stanza);
                    }
                }
                else if (type is "get" or "set" && id is not null)
                {
                    if (_onRequest is null)
                    {
                        await SendAsync(Error(stanza, "cancel", "service-unavailable"), _stop.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        await _onRequest(this, stanza).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            foreach (var waiter in _pending.Values)
            {
                waiter.TrySetException(new XmppException("the XMPP stream ended before the answer came"));
            }
        }
    }

    private async Task WriteAsync(string xml, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _write.Release();
        }
    }
}
