namespace Palisade.Acs.Provisioning;

/// <summary>Every bound on the provisioning policy that operators write, with safe defaults.</summary>
public sealed class ProvisioningLimits
{
    /// <summary>The longest provision or virtual parameter body, in characters.</summary>
    public int MaxScriptChars { get; init; } = 64 * 1024;

    /// <summary>The largest preset document, in characters of its JSON.</summary>
    public int MaxPresetChars { get; init; } = 32 * 1024;

    /// <summary>The most configurations in one preset.</summary>
    public int MaxConfigurations { get; init; } = 64;

    /// <summary>The most event conditions in one preset.</summary>
    public int MaxEvents { get; init; } = 16;

    /// <summary>The most presets, and the most scripts of each kind, a store may hold (every one is kept in memory).</summary>
    public int MaxObjects { get; init; } = 2000;

    /// <summary>How often a node asks the store whether another node changed the policy.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws when a bound is out of range.</summary>
    public void Validate()
    {
        if (MaxScriptChars is < 256 or > 4 * 1024 * 1024 || MaxPresetChars is < 256 or > 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxScriptChars), "Script and preset sizes must be between 256 characters and 4 MiB (scripts) or 1 MiB (presets).");
        }

        if (MaxConfigurations is < 1 or > 1024 || MaxEvents is < 1 or > 256 || MaxObjects is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConfigurations), "Preset bounds must be positive and at most 1024 configurations, 256 events, 100000 objects.");
        }

        if (RefreshInterval < TimeSpan.Zero || RefreshInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshInterval), "The refresh interval must be between 0 and 1 hour.");
        }
    }
}
