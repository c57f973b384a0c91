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

    /// <summary>
    /// Options from what an operator configures (<c>--xmpp-server</c>, <c>--xmpp-jid</c>, <c>--xmpp-password-file</c>,
    /// <c>--xmpp-ca</c> and the matching file keys): the password is read from a file (first line), never given on a
    /// command line; CA files are PEM (empty: the system's roots). <paramref name="defaultResource"/> is used when the
    /// JID names none.
    /// </summary>
    public static XmppOptions FromSettings(string server, string? jid, string? passwordFile, IEnumerable<string>? caFiles, string defaultResource)
    {
        ArgumentNullException.ThrowIfNull(server);
        var (host, port) = ParseServer(server, "--xmpp-server");
        if (string.IsNullOrEmpty(jid) || string.IsNullOrEmpty(passwordFile))
        {
            throw new ArgumentException("--xmpp-server needs --xmpp-jid and --xmpp-password-file (the account the XMPP server knows).");
        }

        var account = Jid.Parse(jid, "--xmpp-jid");
        string password;
        try
        {
            password = File.ReadLines(passwordFile).FirstOrDefault()?.Trim() ?? string.Empty;
        }
        catch (IOException e)
        {
            throw new ArgumentException($"--xmpp-password-file {passwordFile}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ArgumentException($"--xmpp-password-file {passwordFile}: {e.Message}", e);
        }

        var cas = new X509Certificate2Collection();
        foreach (var file in caFiles ?? [])
        {
            try
            {
                cas.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"--xmpp-ca {file}: not a readable PEM certificate ({e.Message}).", e);
            }
        }

        var options = new XmppOptions
        {
            Host = host,
            Port = port,
            Jid = account.Resource is null ? account with { Resource = defaultResource } : account,
            Password = password,
            TrustedCas = cas,
        };
        options.Validate();
        return options;
    }

    /// <summary>Throws with a message an operator can act on.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Jid);
        if (string.IsNullOrEmpty(Password))
        {
            throw new ArgumentException("The XMPP password is empty (--xmpp-password-file).");
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
