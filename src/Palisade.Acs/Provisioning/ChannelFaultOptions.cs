namespace Palisade.Acs.Provisioning;

/// <summary>How channel faults are retried and forgotten, and how much of a fault is kept. Safe defaults.</summary>
public sealed class ChannelFaultOptions
{
    /// <summary>The wait after a channel's first fault; each fault in a row doubles it (GenieACS's 300 s).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest wait between retries, however many faults in a row.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long after its last occurrence a fault is forgotten (and the retry count starts afresh).</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How often expired faults are deleted from the store (<see cref="ChannelFaultService.SweepAsync"/>).</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest fault message kept, in characters (longer ones are cut).</summary>
    public int MaxMessageLength { get; init; } = 1024;

    /// <summary>The longest fault detail kept, in characters (longer ones are cut).</summary>
    public int MaxDetailLength { get; init; } = 16 * 1024;

    /// <summary>Throws when a bound is out of range.</summary>
    public void Validate()
    {
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay || Expiry <= TimeSpan.Zero || SweepInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), "Channel fault delays must be positive, the maximum at least the first delay, and the expiry and sweep interval positive.");
        }

        if (MaxMessageLength is < 16 or > 65_536 || MaxDetailLength is < 16 or > 1_048_576)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageLength), "Channel fault text bounds must be between 16 characters and 64 KiB (message) or 1 MiB (detail).");
        }
    }
}
