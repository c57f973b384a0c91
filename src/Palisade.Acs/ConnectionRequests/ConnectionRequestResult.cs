namespace Palisade.Acs.ConnectionRequests;

/// <summary>
/// How a connection request went, as far as the API reports it: never more than this and a fixed
/// <see cref="ConnectionRequestReason"/>, because the target was chosen by the device and what answered there is not
/// the caller's business (docs/security.md, "Connection requests").
/// </summary>
public enum ConnectionRequestResult
{
    /// <summary>The CPE accepted it (HTTP 200/204).</summary>
    Reached,

    /// <summary>The signed UDP datagrams went out (TR-069 Annex G); UDP has no answer, the next session shows whether they arrived.</summary>
    SentUdp,

    /// <summary>The CPE answered the XMPP connection request (TR-069 Annex K) through the XMPP server.</summary>
    SentXmpp,

    /// <summary>It did not get through; the reason says in which way.</summary>
    Unreachable,
}
