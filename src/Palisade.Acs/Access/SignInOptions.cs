namespace Palisade.Acs.Access;

/// <summary>How users sign in, how guessing is slowed, and how long a session lasts.</summary>
public sealed class SignInOptions
{
    /// <summary>Failed logins (per source and per account name) before attempts must wait.</summary>
    public int FreeFailures { get; set; } = 5;

    /// <summary>The first wait; each further failure doubles it.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait for one source address.</summary>
    public TimeSpan MaxSourceDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest wait for one account name, whoever failed: short, so that a stranger cannot lock the owner out.</summary>
    public TimeSpan MaxAccountDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most sources and account names whose failures are remembered.</summary>
    public int MaxTrackedNames { get; set; } = 10_000;

    /// <summary>How long a session token from a login is valid.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A session token unused for this long ends (its next use is refused and audited as a logout); the lifetime still bounds it.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The most sessions open at once; past it, the oldest ends.</summary>
    public int MaxSessions { get; set; } = 10_000;

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(SessionLifetime), "SignInOptions.SessionLifetime must be between 1 minute and 24 hours.");
        }

        if (IdleTimeout < TimeSpan.FromMinutes(1) || IdleTimeout > TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), "SignInOptions.IdleTimeout must be between 1 minute and 24 hours.");
        }

        if (FreeFailures < 1 || FirstDelay <= TimeSpan.Zero || MaxAccountDelay < FirstDelay || MaxSourceDelay < FirstDelay || MaxTrackedNames < 100 || MaxSessions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(FreeFailures), "SignInOptions: FreeFailures ≥ 1, delays positive with the caps at least the first delay, MaxTrackedNames ≥ 100, MaxSessions ≥ 1.");
        }
    }
}
