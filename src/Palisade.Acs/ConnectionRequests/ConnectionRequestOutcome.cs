namespace Palisade.Acs.ConnectionRequests;

/// <summary>The outcome of one connection request: reached or unreachable, and a fixed reason.</summary>
public sealed record ConnectionRequestOutcome(ConnectionRequestResult Result, ConnectionRequestReason Reason)
{
    /// <summary>An outcome from its reason (only <c>Accepted</c> and <c>UdpSent</c> count as reached).</summary>
    public static ConnectionRequestOutcome Of(ConnectionRequestReason reason) =>
        new(reason is ConnectionRequestReason.Accepted or ConnectionRequestReason.UdpSent ? ConnectionRequestResult.Reached : ConnectionRequestResult.Unreachable, reason);
}
