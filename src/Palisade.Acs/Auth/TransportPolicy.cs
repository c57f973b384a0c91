using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;

namespace Palisade.Acs.Auth;

/// <summary>
/// What the connection's transport allows once the device is authenticated. With a legacy plaintext port open beside
/// TLS (<see cref="AuthenticationOptions.PlaintextIsLegacy"/>), plaintext is only for devices on their way to https:
/// a device already moved to https is refused there (whoever sends its id over plaintext is not the device, or the
/// device was sent back, which the operator must see), and a new device is not enrolled there, because enrollment
/// sends its new password in the clear. It is admitted for this session only, as an unenrolled device that the
/// posture's moveToHttps remedy moves first; it is enrolled at its first session over TLS.
/// </summary>
public static class TransportPolicy
{
    /// <summary>The refusal's reason, for the log and the 403.</summary>
    public const string MovedDeviceOnPlaintext = "the device uses https; refused on the legacy plaintext port";

    /// <summary><paramref name="decision"/>, narrowed by what the transport of <paramref name="connection"/> allows.</summary>
    public static AuthDecision Apply(AuthDecision decision, Device? known, ConnectionFacts connection, AuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        if (decision.Verdict != AuthVerdict.Accepted || connection.IsTls || !options.PlaintextIsLegacy)
        {
            return decision;
        }

        if (known?.Transport == "https")
        {
            return new AuthDecision(AuthVerdict.Forbidden, null, false, false, MovedDeviceOnPlaintext);
        }

        return decision.Enroll ? decision with { Enroll = false, Reason = decision.Reason + "; not enrolled over plaintext" } : decision;
    }
}
