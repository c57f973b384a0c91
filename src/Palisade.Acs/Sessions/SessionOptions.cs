namespace Palisade.Acs.Sessions;

/// <summary>
/// Every bound of the CWMP session engine in one place, with safe defaults. Validated once at
/// start-up by <see cref="Validate"/>; the engine never reads configuration from anywhere else.
/// </summary>
public sealed class SessionOptions
{
    /// <summary>How long a session may sit idle between two requests before the ACS drops it and releases the device (TR-069 3.7.1.4 suggests 30 s).</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most ACS-issued RPCs one session may carry; the rest wait for the next session.</summary>
    public int MaxRpcsPerSession { get; set; } = 64;

    /// <summary>The most CPE-issued requests (TransferComplete, Kicked, ...) one session may carry, against a CPE that loops.</summary>
    public int MaxCpeRequestsPerSession { get; set; } = 32;

    /// <summary>Sessions in flight above which new sessions are shed with 503 and Retry-After.</summary>
    public int MaxSessionsInFlight { get; set; } = 2048;

    /// <summary>
    /// Sessions in flight on the bootstrap credential (devices not enrolled yet) above which more are shed: their own,
    /// smaller share, apart from <see cref="MaxSessionsInFlight"/>, so that sessions opened with the public bootstrap
    /// credential never keep an enrolled device out. Null: an eighth of <see cref="MaxSessionsInFlight"/> (at least 1).
    /// </summary>
    public int? MaxUnenrolledSessionsInFlight { get; set; }

    /// <summary>The idle timeout of a session on the bootstrap credential (never longer than <see cref="SessionTimeout"/>), so idle ones free their share fast.</summary>
    public TimeSpan UnenrolledSessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The unenrolled share in effect: <see cref="MaxUnenrolledSessionsInFlight"/> or its default.</summary>
    public int UnenrolledSessionLimit => MaxUnenrolledSessionsInFlight ?? Math.Max(1, MaxSessionsInFlight / 8);

    /// <summary>The base Retry-After given to a shed or refused session.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The random extra added to <see cref="RetryAfter"/> so shed devices do not come back in lock-step.</summary>
    public TimeSpan RetryAfterJitter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How many sessions may carry a task before it faults: a task whose RPC the device never answers (it dies or
    /// drops the session) is counted each time, so it cannot hold the queue behind it until it expires.
    /// </summary>
    public int MaxTaskAttempts { get; set; } = 3;
    /// <summary>What one device may store in the parameter cache.</summary>
    public DeviceLimits DeviceLimits { get; } = new();

    /// <summary>The name of the session cookie.</summary>
    public string CookieName { get; set; } = "palisade-session";

    /// <summary>Checks every bound and throws <see cref="ArgumentOutOfRangeException"/> naming the bad one.</summary>
    public void Validate()
    {
        Require(SessionTimeout > TimeSpan.Zero && SessionTimeout <= TimeSpan.FromHours(1), nameof(SessionTimeout), "must be between 0 and 1 hour");
        Require(MaxRpcsPerSession is >= 1 and <= 10_000, nameof(MaxRpcsPerSession), "must be between 1 and 10000");
        Require(MaxCpeRequestsPerSession is >= 1 and <= 10_000, nameof(MaxCpeRequestsPerSession), "must be between 1 and 10000");
        Require(MaxSessionsInFlight is >= 1 and <= 10_000_000, nameof(MaxSessionsInFlight), "must be between 1 and 10000000");
        Require(MaxTaskAttempts is >= 1 and <= 100, nameof(MaxTaskAttempts), "must be between 1 and 100");
        Require(MaxUnenrolledSessionsInFlight is null or (>= 1 and <= 10_000_000), nameof(MaxUnenrolledSessionsInFlight), "must be between 1 and 10000000");
        Require(UnenrolledSessionTimeout > TimeSpan.Zero && UnenrolledSessionTimeout <= TimeSpan.FromHours(1), nameof(UnenrolledSessionTimeout), "must be between 0 and 1 hour");
        Require(RetryAfter >= TimeSpan.FromSeconds(1) && RetryAfter <= TimeSpan.FromHours(1), nameof(RetryAfter), "must be between 1 s and 1 hour");
        Require(RetryAfterJitter >= TimeSpan.Zero && RetryAfterJitter <= TimeSpan.FromHours(1), nameof(RetryAfterJitter), "must be between 0 and 1 hour");
        DeviceLimits.Validate();
        Require(!string.IsNullOrWhiteSpace(CookieName) && CookieName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), nameof(CookieName), "must be a non-empty token of letters, digits, '-' and '_'");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, $"SessionOptions.{name} {rule}.");
        }
    }
}
