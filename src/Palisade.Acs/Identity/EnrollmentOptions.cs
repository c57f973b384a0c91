namespace Palisade.Acs.Identity;

/// <summary>
/// Who may enroll on the bootstrap credential, how fast, and how long an unfinished registration is kept. The
/// bootstrap credential is on every CPE in the field, so treat it as public: these bounds are what stands between
/// it and a store full of invented devices. Every field has a safe default; validated at start-up.
/// </summary>
public sealed class EnrollmentOptions
{
    /// <summary>
    /// When set, only the ids it lists (exactly, or by <c>OUI-ProductClass-</c> prefix) may enroll on the bootstrap
    /// credential; any other id is refused with 403 before anything is stored. Null (the default) lets any id enroll.
    /// </summary>
    public EnrollmentAllowList? AllowList { get; set; }

    /// <summary>New registrations (ids never seen) one source address may make per minute; IPv6 sources count per /64.</summary>
    public int MaxRegistrationsPerSourcePerMinute { get; set; } = 30;

    /// <summary>New registrations per second from all sources together (a burst of ten times this is allowed).</summary>
    public int MaxRegistrationsPerSecond { get; set; } = 100;

    /// <summary>Registrations that have not completed enrollment above which no new id is registered (503 until some expire or enroll).</summary>
    public int MaxPendingRegistrations { get; set; } = 10_000;

    /// <summary>A registration that never completed enrollment and has been silent this long is deleted.</summary>
    public TimeSpan PendingLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often unfinished registrations are looked for and expired.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bound out of range.</summary>
    public void Validate()
    {
        Require(MaxRegistrationsPerSourcePerMinute is >= 1 and <= 1_000_000, nameof(MaxRegistrationsPerSourcePerMinute), "must be between 1 and 1000000");
        Require(MaxRegistrationsPerSecond is >= 1 and <= 1_000_000, nameof(MaxRegistrationsPerSecond), "must be between 1 and 1000000");
        Require(MaxPendingRegistrations is >= 1 and <= 100_000_000, nameof(MaxPendingRegistrations), "must be between 1 and 100000000");
        Require(PendingLifetime >= TimeSpan.FromMinutes(1) && PendingLifetime <= TimeSpan.FromDays(365), nameof(PendingLifetime), "must be between 1 minute and 365 days");
        Require(SweepInterval >= TimeSpan.FromSeconds(1) && SweepInterval <= TimeSpan.FromHours(1), nameof(SweepInterval), "must be between 1 s and 1 hour");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, $"EnrollmentOptions.{name} {rule}.");
        }
    }
}
