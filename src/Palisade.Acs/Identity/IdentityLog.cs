using Microsoft.Extensions.Logging;

namespace Palisade.Acs.Identity;

/// <summary>Log lines of device identity: enrollment refusals, claim conflicts, expired registrations, storage bounds.</summary>
internal static partial class IdentityLog
{
    [LoggerMessage(EventId = 240, Level = LogLevel.Warning,
        Message = "identity conflict: device {Device} is bound to another way in, and {Remote} presented it with a weaker one ({Reason}); an operator must readmit the device if this is expected")]
    public static partial void ClaimConflict(ILogger logger, string device, string remote, string reason);

    [LoggerMessage(EventId = 241, Level = LogLevel.Warning, Message = "enrollment refused remote={Remote} device={Device}: not on the enrollment allow-list")]
    public static partial void NotAllowed(ILogger logger, string remote, string device);

    [LoggerMessage(EventId = 242, Level = LogLevel.Warning, Message = "registration refused remote={Remote} device={Device}: {Reason}")]
    public static partial void RegistrationRefused(ILogger logger, string remote, string device, string reason);

    [LoggerMessage(EventId = 243, Level = LogLevel.Information, Message = "expired {Count} registrations that never completed enrollment; {Pending} still pending")]
    public static partial void Expired(ILogger logger, int count, long pending);

    [LoggerMessage(EventId = 244, Level = LogLevel.Warning, Message = "device {Device} passed its storage bounds: {Reason}; the excess was not stored")]
    public static partial void StorageBound(ILogger logger, string device, string reason);
}
