namespace Palisade.Xmpp;

/// <summary>The XMPP server or stream did something this client does not accept; the message says what, never a secret.</summary>
public sealed class XmppException : Exception
{
    public XmppException()
    {
    }

    public XmppException(string message)
        : base(message)
    {
    }

    public XmppException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
