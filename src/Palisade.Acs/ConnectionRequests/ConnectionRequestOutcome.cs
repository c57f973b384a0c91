namespace Palisade.Acs.ConnectionRequests;

/// <summary>The outcome of one connection request: reached or unreachable, and a fixed reason.</summary>
public sealed record ConnectionRequestOutcome(ConnectionRequestResult Result, ConnectionRequestReason Reason)
{
    /// <summary>An outcome from its reason: <c>Accepted</c> is reached, <c>UdpSent</c> sent-udp, <c>XmppSent</c> sent-xmpp, anything else unreachable.</summary>
    public static ConnectionRequestOutcome Of(ConnectionRequestReason reason) => new(
        reason switch
        {
            ConnectionRequestReason.Accepted => ConnectionRequestResult.Reached,
            ConnectionRequestReason.UdpSent => ConnectionRequestResult.SentUdp,
            ConnectionRequestReason.XmppSent => ConnectionRequestResult.SentXmpp,
            _ => ConnectionRequestResult.Unreachable,
        },
        reason);

    /// <summary>True when the request got to the device or went out to it (reached, sent-udp or sent-xmpp).</summary>
    public bool Delivered => Result is ConnectionRequestResult.Reached or ConnectionRequestResult.SentUdp or ConnectionRequestResult.SentXmpp;

    /// <summary>Every way tried, in order (HTTP, UDP, XMPP): a UDP request that went out still shows why HTTP failed.</summary>
    public IReadOnlyList<ConnectionRequestAttempt> Attempts { get; init; } = [];
}
