using Microsoft.Extensions.Logging;

namespace Palisade.Acs.Stun;

internal static partial class StunLog
{
    [LoggerMessage(EventId = 650, Level = LogLevel.Information, Message = "STUN binding from {Remote} not recorded: {Reason}")]
    public static partial void Refused(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 651, Level = LogLevel.Warning, Message = "The STUN server could not listen on UDP {Endpoint} ({Reason}); running without it (set --stun-port)")]
    public static partial void NotStarted(ILogger logger, string endpoint, string reason);
}
