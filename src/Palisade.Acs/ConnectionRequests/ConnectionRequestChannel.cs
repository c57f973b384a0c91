namespace Palisade.Acs.ConnectionRequests;

/// <summary>The ways to ask a CPE for a session, in the order TR-069 tries them.</summary>
public enum ConnectionRequestChannel
{
    /// <summary>HTTP GET to the ConnectionRequestURL (§3.2.2).</summary>
    Http,

    /// <summary>Signed UDP datagrams to the UDPConnectionRequestAddress or the STUN-learned address (Annex G).</summary>
    Udp,

    /// <summary>An IQ through the XMPP server to ConnReqJabberID (Annex K).</summary>
    Xmpp,
}
