using Microsoft.Extensions.Logging;

namespace Palisade.Server.Operations;

/// <summary>Log lines of the operations side: the store's reachability, drain, metrics (event ids 180–189).</summary>
internal static partial class OperationsLog
{
    [LoggerMessage(EventId = 180, Level = LogLevel.Warning, Message = "the store is unreachable; requests (CWMP, API, file server) are answered 503 with Retry-After until it is back: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 181, Level = LogLevel.Information, Message = "draining: new CWMP sessions are refused with 503, {Open} open sessions get up to {Seconds} s to finish")]
    public static partial void Draining(ILogger logger, int open, double seconds);

    [LoggerMessage(EventId = 182, Level = LogLevel.Information, Message = "drained: {Open} sessions still open at the bound are ended (what they learned is committed)")]
    public static partial void Drained(ILogger logger, int open);
}
