using Microsoft.Extensions.Logging;

namespace Palisade.Cpe.ConnectionRequests;

/// <summary>The agent's STUN client log lines (event ids 213–215). A password is never part of one.</summary>
internal static partial class StunClientLog
{
    [LoggerMessage(EventId = 213, Level = LogLevel.Warning, Message = "cpe {Serial}: STUN binding through {Server} failed ({Reason}); trying again in {RetrySeconds} s, backing off while it fails (further failures are logged at Debug, event 214)")]
    public static partial void Failing(ILogger logger, string serial, string server, string reason, double retrySeconds);

    [LoggerMessage(EventId = 214, Level = LogLevel.Debug, Message = "cpe {Serial}: STUN binding through {Server} failed again ({Reason}, {Failures} in a row); trying again in {RetrySeconds} s")]
    public static partial void StillFailing(ILogger logger, string serial, string server, string reason, int failures, double retrySeconds);

    [LoggerMessage(EventId = 215, Level = LogLevel.Information, Message = "cpe {Serial}: STUN binding through {Server} answered again after {Failures} failures")]
    public static partial void Recovered(ILogger logger, string serial, string server, int failures);
}
