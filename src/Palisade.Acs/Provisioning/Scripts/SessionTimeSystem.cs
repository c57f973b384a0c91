using Jint.Runtime;

namespace Palisade.Acs.Provisioning.Scripts;

/// <summary><c>new Date()</c> and <c>Date.now()</c> see the session's time, as every round of the session does.</summary>
internal sealed class SessionTimeSystem(DateTimeOffset now) : DefaultTimeSystem(TimeZoneInfo.Utc, System.Globalization.CultureInfo.InvariantCulture)
{
    /// <summary>The time the running script sees.</summary>
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
