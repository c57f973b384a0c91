using Microsoft.Extensions.Logging;

namespace Palisade.Acs.Sessions;

/// <summary>
/// The engine's log lines. One structured access line per session; no line ever carries a password, a
/// Digest response or a SOAP body.
/// </summary>
internal static partial class SessionLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "cwmp session device={Device} remote={Remote} transport={Transport} auth={Auth} version={Version} events=[{Events}] rpcs=[{Rpcs}] outcome={Outcome} duration_ms={DurationMs}")]
    public static partial void Session(ILogger logger, string device, string remote, string transport, string auth, string version, string events, string rpcs, string outcome, long durationMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "cwmp refused remote={Remote} device={Device} status={Status} reason={Reason}")]
    public static partial void Refused(ILogger logger, string remote, string device, int status, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "device {Device} enrolled: its unique ACS credentials are set and the bootstrap credential no longer admits it")]
    public static partial void Enrolled(ILogger logger, string device);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "device {Device} refused its new credentials (CWMP fault {FaultCode}); it stays on the bootstrap credential until the next session")]
    public static partial void EnrollmentRefused(ILogger logger, string device, int faultCode);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "committing the session of {Device} failed; its tasks stay queued")]
    public static partial void CommitFailed(ILogger logger, Exception exception, string device);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "device {Device} talks CWMP over plaintext HTTP")]
    public static partial void Plaintext(ILogger logger, string device);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "device {Device} reached the https ACS and was moved to {Url}")]
    public static partial void MovedToHttps(ILogger logger, string device, string url);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "device {Device} could not show it reaches {Origin} over https (fault {FaultCode}); its ACS URL was left unchanged")]
    public static partial void MoveRefused(ILogger logger, string device, string origin, int faultCode);
}
