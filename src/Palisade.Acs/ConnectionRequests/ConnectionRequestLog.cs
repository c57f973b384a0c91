using Microsoft.Extensions.Logging;

namespace Palisade.Acs.ConnectionRequests;

/// <summary>The connection requester's log lines (event ids 600–609). Credentials never appear here.</summary>
internal static partial class ConnectionRequestLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Connection request to {Device} refused: it resolves to {Address}, which is {Verdict}; allow CPE networks with --cpe-network")]
    public static partial void RefusedAddress(ILogger logger, string device, string address, AddressVerdict verdict);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Connection request to {Device} not sent: too many for this device lately")]
    public static partial void RateLimited(ILogger logger, string device);

    [LoggerMessage(EventId = 602, Level = LogLevel.Debug, Message = "Connection request to {Device}: {Result} ({Reason})")]
    public static partial void Outcome(ILogger logger, string device, ConnectionRequestResult result, ConnectionRequestReason reason);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "XMPP connection request to {Device} not sent ({Verdict}): the Jabber ID it reported is in the domain {Domain}; requests go only to the ACS account's domain and those allowed with --xmpp-allow-domain, never to the ACS's own account")]
    public static partial void RefusedJabberId(ILogger logger, string device, string domain, Xmpp.XmppTargetVerdict verdict);
}
