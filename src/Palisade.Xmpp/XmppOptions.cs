using System.Security.Cryptography.X509Certificates;

namespace Palisade.Xmpp;

/// <summary>How to reach and log in to the XMPP server (the ISP's, or prosody in the tests).</summary>
public sealed class XmppOptions
{
    /// <summary>Where to connect: a host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>The c2s port (5222 by default).</summary>
    public int Port { get; init; } = 5222;

    /// <summary>The account: <c>local@domain</c>, optionally with the resource to ask for (<c>/resource</c>).</summary>
    public required Jid Jid { get; init; }

    /// <summary>The account's password; never logged.</summary>
    public required string Password { get; init; }

    /// <summary>CAs the server's certificate must chain to (for the JID's domain); empty: the system's roots.</summary>
    public X509Certificate2Collection TrustedCas { get; init; } = [];

    /// <summary>Allow SASL PLAIN when the server offers no SCRAM-SHA-1 (always inside TLS; default true).</summary>
    public bool AllowPlain { get; init; } = true;

    /// <summary>How often a whitespace keep-alive goes out on an idle connection (default 60 s).</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The first wait before reconnecting; it doubles on each failure up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between reconnect attempts (default 60 s).</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(60);

    public XmppLimits Limits { get; init; } = new();

    /// <summary>Reads <c>HOST:PORT</c> (or <c>[v6]:PORT</c>) as the options <c>--xmpp-server</c> and <c>xmppServer</c> spell it.</summary>
    public static (string Host, int Port) ParseServer(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65_535)
        {
            throw new ArgumentException($"{source} '{text}': expected HOST:PORT, e.g. xmpp.example.net:5222.");
        }

        return (text[..colon].TrimStart('[').TrimEnd(']'), port);
    }

    /// <summary>Throws with a message an operator can act on.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Jid);
        if (string.IsNullOrEmpty(Password))
        {
            throw new ArgumentException("The XMPP password is empty.");
        }

        if (Port is < 1 or > 65_535 || string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("The XMPP server must be HOST:PORT.");
        }

        if (KeepAlive <= TimeSpan.Zero || ReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < ReconnectDelay)
        {
            throw new ArgumentException("The XMPP keep-alive and reconnect delays must be positive, the longest at least the first.");
        }

        Limits.Validate();
    }
}
