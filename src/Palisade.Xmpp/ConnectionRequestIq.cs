using System.Xml.Linq;

namespace Palisade.Xmpp;

/// <summary>
/// TR-069 Annex K's connection request: an IQ get to the CPE's JID carrying the connection-request user name and
/// password in <c>&lt;connectionRequest xmlns="urn:broadband-forum-org:cwmp:xmppConnReq-1-0"&gt;</c>; the CPE answers
/// with an empty result, or an error (<c>not-authorized</c> for wrong credentials).
/// </summary>
public static class ConnectionRequestIq
{
    /// <summary>Bounds on the credentials' length as TR-069 gives them (256 characters).</summary>
    public const int MaxCredentialLength = 256;
    private static readonly XName Element = XName.Get("connectionRequest", XmppNames.ConnectionRequest);
    private static readonly XName Username = XName.Get("username", XmppNames.ConnectionRequest);
    private static readonly XName Password = XName.Get("password", XmppNames.ConnectionRequest);

    /// <summary>The request to <paramref name="to"/>.</summary>
    public static XElement Build(Jid to, string username, string password)
    {
        ArgumentNullException.ThrowIfNull(to);
        return new XElement(
            XmppNames.Iq,
            new XAttribute("type", "get"),
            new XAttribute("to", to.ToString()),
            new XElement(Element, new XElement(Username, username), new XElement(Password, password)));
    }

    /// <summary>True when <paramref name="iq"/> is a connection request; its credentials (bounded, possibly empty) come out.</summary>
    public static bool TryRead(XElement iq, out string username, out string password)
    {
        ArgumentNullException.ThrowIfNull(iq);
        username = password = string.Empty;
        if (iq.Name != XmppNames.Iq || (string?)iq.Attribute("type") != "get" || iq.Element(Element) is not { } request)
        {
            return false;
        }

        username = request.Element(Username)?.Value ?? string.Empty;
        password = request.Element(Password)?.Value ?? string.Empty;
        return username.Length <= MaxCredentialLength && password.Length <= MaxCredentialLength;
    }

    /// <summary>The RFC 6120 error condition of an error answer (<c>not-authorized</c>, <c>service-unavailable</c>, …), or null.</summary>
    public static string? ErrorCondition(XElement answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.Element(XName.Get("error", XmppNames.Client))?.Elements().FirstOrDefault(e => e.Name.NamespaceName == XmppNames.Stanzas)?.Name.LocalName;
    }
}
