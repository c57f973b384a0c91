using Microsoft.Extensions.Logging;

namespace Palisade.Cpe.Agent;

internal static partial class AgentLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "cpe {Serial}: --insecure-skip-verify is on: the ACS certificate is NOT checked; anyone on the path can impersonate the ACS")]
    public static partial void InsecureSkipVerify(ILogger logger, string serial);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "cpe {Serial}: refused the TLS connection to {Host}: {Reason}")]
    public static partial void TlsRefused(ILogger logger, string serial, string host, string reason);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "cpe {Serial}: refused to change the ACS URL: {Reason}")]
    public static partial void UrlChangeRefused(ILogger logger, string serial, string reason);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "cpe {Serial}: download {CommandKey} failed with fault {FaultCode}: {Reason}")]
    public static partial void DownloadFailed(ILogger logger, string serial, string commandKey, int faultCode, string reason);

    [LoggerMessage(EventId = 204, Level = LogLevel.Error, Message = "cpe {Serial}: the {Kind} diagnostic failed unexpectedly; it ends in Error_Internal")]
    public static partial void DiagnosticFailed(ILogger logger, string serial, string kind, Exception exception);

    [LoggerMessage(EventId = 211, Level = LogLevel.Information, Message = "cpe {Serial}: STUN client on: binding requests to {Server} every {KeepAliveSeconds} s")]
    public static partial void StunApplied(ILogger logger, string serial, string server, double keepAliveSeconds);

    [LoggerMessage(EventId = 212, Level = LogLevel.Information, Message = "cpe {Serial}: STUN client off (STUNEnable false, or no STUNUsername and no connection-request credentials to sign with)")]
    public static partial void StunOff(ILogger logger, string serial);
}
