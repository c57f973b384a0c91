namespace Palisade.Xmpp;

/// <summary>Bounds on what an XMPP server may send this client (every byte from the network is hostile).</summary>
public sealed class XmppLimits
{
    /// <summary>The largest stanza read (default 64 KiB; an Annex K connection request is a few hundred bytes).</summary>
    public int MaxStanzaBytes { get; set; } = 64 * 1024;

    /// <summary>How deeply elements may nest inside one stanza (default 16).</summary>
    public int MaxDepth { get; set; } = 16;

    /// <summary>How long the TCP connect, the TLS handshake and each step of logging in may take (default 30 s).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws when a bound is out of range.</summary>
    public XmppLimits Validate()
    {
        if (MaxStanzaBytes is < 1024 or > 16 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxStanzaBytes), "The XMPP stanza bound must be 1 KiB–16 MiB.");
        }

        if (MaxDepth is < 3 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDepth), "The XMPP nesting bound must be 3–256.");
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout), "The XMPP handshake timeout must be positive.");
        }

        return this;
    }
}
