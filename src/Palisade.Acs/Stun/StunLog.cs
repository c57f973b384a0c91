using Microsoft.Extensions.Logging;

namespace Palisade.Acs.Stun;

/// <summary>The STUN server's log lines (event ids 650–659). Anyone can send datagrams: routine refusals are Debug, bursts and failures a Warning at most once a minute.</summary>
internal static partial class StunLog
{
    [LoggerMessage(EventId = 650, Level = LogLevel.Debug, Message = "STUN binding from {Remote} not recorded: {Reason}")]
    public static partial void Refused(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 651, Level = LogLevel.Warning, Message = "The STUN server could not listen on UDP {Endpoint} ({Reason}); running without it (set --stun-port)")]
    public static partial void NotStarted(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 652, Level = LogLevel.Warning, Message = "STUN: {Count} binding requests refused within a minute, the latest from {Remote}: {Reason} (a device with wrong credentials, or a hostile sender; each refusal is logged at Debug, event 650; {Total} refused since start)")]
    public static partial void RefusedBurst(ILogger logger, int count, string remote, string reason, long total);

    [LoggerMessage(EventId = 653, Level = LogLevel.Warning, Message = "STUN: a datagram from {Remote} could not be handled ({Failures} since start); the server goes on receiving, and further failures within a minute are only counted")]
    public static partial void Failed(ILogger logger, string remote, long failures, Exception exception);
}
