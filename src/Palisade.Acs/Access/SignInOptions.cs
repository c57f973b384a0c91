namespace Palisade.Acs.Access;

/// <summary>How users sign in and how long a session lasts.</summary>
public sealed class SignInOptions
{
    /// <summary>Failed logins before a user is locked out.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>How long the lock lasts.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a session token from a login is valid.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);
}
