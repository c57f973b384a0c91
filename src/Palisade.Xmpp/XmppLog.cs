using Microsoft.Extensions.Logging;

namespace Palisade.Xmpp;

/// <summary>The XMPP client's log lines (event ids 660–669). Passwords never appear here.</summary>
internal static partial class XmppLog
{
    [LoggerMessage(EventId = 660, Level = LogLevel.Information, Message = "XMPP: connected to {Server} as {Jid}")]
    public static partial void Connected(ILogger logger, string server, string jid);

    [LoggerMessage(EventId = 661, Level = LogLevel.Warning, Message = "XMPP: cannot connect to {Server} as {Jid}: {Reason}; retrying in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, string server, string jid, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 662, Level = LogLevel.Warning, Message = "XMPP: the stream to {Server} ended: {Reason}; reconnecting")]
    public static partial void Lost(ILogger logger, string server, string reason);
}
