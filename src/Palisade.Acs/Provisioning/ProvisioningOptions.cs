using Palisade.Acs.Provisioning.Scripts;

namespace Palisade.Acs.Provisioning;

/// <summary>How provisioning runs: the scripts' limits and the back-off of a faulted channel.</summary>
public sealed class ProvisioningOptions
{
    /// <summary>The bounds of every script run.</summary>
    public ScriptLimits Limits { get; init; } = ScriptLimits.Default;

    /// <summary>How long a channel that faulted once waits before it runs again; doubled at each further fault in a row.</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between retries of a faulted channel.</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromHours(1);

    /// <summary>When a channel that faulted <paramref name="retries"/> times in a row (counting this one) may run again.</summary>
    public DateTimeOffset RetryAfter(DateTimeOffset now, int retries)
    {
        var factor = Math.Pow(2, Math.Clamp(retries - 1, 0, 30));
        var wait = TimeSpan.FromTicks((long)Math.Min(RetryBase.Ticks * factor, RetryMax.Ticks));
        return now + wait;
    }
}
