using Microsoft.Extensions.Logging;

namespace Palisade.Server;

internal static partial class ServerLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "--insecure-http: CWMP is served over plaintext HTTP. Passwords and configuration travel readable by anyone on the path; every device that connects is recorded as plaintext.")]
    public static partial void InsecureHttp(ILogger logger);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "unhandled error in a CWMP request from {Remote}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string remote);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "session sweeper failed")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "{Path} is readable by other users; run: chmod 600 {Path}")]
    public static partial void ExposedSecret(ILogger logger, string path);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "--legacy-http-port {Port}: a plaintext CWMP listener for legacy devices. Move them to https with the moveToHttps task (see palisade posture); close the port once none is left.")]
    public static partial void LegacyHttp(ILogger logger, int port);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "reachability probe arrived over https from {Remote}")]
    public static partial void ProbeArrived(ILogger logger, string remote);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "task history: {Count} tasks finished over {Days} days ago deleted")]
    public static partial void TaskHistoryPruned(ILogger logger, long count, double days);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "task history: deleting old finished tasks failed; retried in an hour")]
    public static partial void TaskHistoryFailed(ILogger logger, Exception exception);
}
