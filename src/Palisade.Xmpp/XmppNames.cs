using System.Xml.Linq;

namespace Palisade.Xmpp;

/// <summary>The XML namespaces of RFC 6120 and TR-069 Annex K.</summary>
public static class XmppNames
{
    public const string Streams = "http://etherx.jabber.org/streams";
    public const string Client = "jabber:client";
    public const string Tls = "urn:ietf:params:xml:ns:xmpp-tls";
    public const string Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
    public const string Bind = "urn:ietf:params:xml:ns:xmpp-bind";
    public const string Session = "urn:ietf:params:xml:ns:xmpp-session";
    public const string Stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";

    /// <summary>TR-069 Annex K's connection-request namespace.</summary>
    public const string ConnectionRequest = "urn:broadband-forum-org:cwmp:xmppConnReq-1-0";

    public static readonly XName Iq = XName.Get("iq", Client);
    public static readonly XName Features = XName.Get("features", Streams);
    public static readonly XName StreamError = XName.Get("error", Streams);
}
