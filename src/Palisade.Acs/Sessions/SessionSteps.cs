using Microsoft.Extensions.Logging;
using Palisade.Acs.Auth;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Sessions;

/// <summary>The steps a session runs, in order. A new resident (provisioning, campaigns) is added here or by the composition root, never in the engine.</summary>
public static class SessionSteps
{
    /// <summary>
    /// Enrollment, then the connection-request credentials, then the operator tasks (which hand moveToHttps tasks to
    /// the moveToHttps, credential-rotation and refreshObject steps): the order the RPCs reach the device in. Then
    /// <paramref name="provisioning"/> (presets and provision scripts) when the composition root configured it: it runs
    /// once the operator tasks are done, each time the queue runs empty.
    /// </summary>
    public static IReadOnlyList<ISessionStep> Standard(ISessionStore store, SessionOptions options, AuthenticationOptions authentication, ReachabilityProbes reachability, ILogger logger, ISessionStep? provisioning = null) =>
    [
        new EventHistoryStep(),
        new EnrollmentStep(authentication, logger),
        new ConnectionRequestCredentialsStep(authentication),
        new OperatorTasksStep(store, options?.MaxTaskAttempts ?? throw new ArgumentNullException(nameof(options))) { Limits = options.DeviceLimits },
        new MoveToHttpsStep(reachability, logger),
        new CredentialRotationStep(authentication),
        new RefreshObjectStep(),
        new SoftwareModules.SoftwareModulesStep(),
        new Diagnostics.DiagnosticsStep(),
        .. (provisioning is null ? Array.Empty<ISessionStep>() : [provisioning]),
    ];
}
