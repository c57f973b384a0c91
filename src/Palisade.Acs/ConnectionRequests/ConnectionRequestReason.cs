namespace Palisade.Acs.ConnectionRequests;

/// <summary>Why a connection request ended as it did: a fixed category, never text from the target.</summary>
public enum ConnectionRequestReason
{
    /// <summary>The CPE accepted the request over HTTP.</summary>
    Accepted,

    /// <summary>Three signed UDP datagrams were sent (TR-069 Annex G); the next session shows whether they arrived.</summary>
    UdpSent,

    /// <summary>The CPE answered the XMPP connection request (TR-069 Annex K) with a result.</summary>
    XmppSent,

    /// <summary>The ACS is not logged in to its XMPP server right now (it reconnects by itself).</summary>
    XmppNotConnected,

    /// <summary>The device never reported a connection-request URL, UDP address or Jabber ID (or XMPP is not configured).</summary>
    NoEndpoint,

    /// <summary>The address is not one connection requests may go to (loopback, link-local, metadata, the ACS itself, outside the allow-list).</summary>
    RefusedAddress,

    /// <summary>This device had too many connection requests lately.</summary>
    RateLimited,

    /// <summary>No connection-request credentials are stored for the device.</summary>
    NoCredentials,

    /// <summary>The CPE did not accept the credentials, or offered no Digest challenge.</summary>
    AuthFailed,

    /// <summary>The CPE offers only Basic, which is sent only over https to devices tagged <c>cr-basic-allowed</c>.</summary>
    BasicNotAllowed,

    /// <summary>The CPE answered with something other than success or a challenge (busy, not found, a redirect, not HTTP).</summary>
    Rejected,

    /// <summary>The CPE did not answer in time.</summary>
    Timeout,

    /// <summary>No connection: the name did not resolve, no route, or the port is closed.</summary>
    ConnectFailed,

    /// <summary>The TLS handshake with an https URL failed (for example the certificate did not check out).</summary>
    TlsFailed,
}
