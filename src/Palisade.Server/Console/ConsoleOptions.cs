namespace Palisade.Server.Console;

/// <summary>How the console's sessions behave.</summary>
public sealed class ConsoleOptions
{
    /// <summary>A console session with no request for this long ends (the sign-in token's lifetime still bounds it).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a live page polls before it asks to be reloaded.</summary>
    public TimeSpan LivePollLimit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The sandbox limits of a provision's dry run (the host sets the sessions' own).</summary>
    public Acs.Provisioning.Scripts.ScriptLimits Scripts { get; set; } = new();

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (IdleTimeout < TimeSpan.FromMinutes(1) || IdleTimeout > TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), "ConsoleOptions.IdleTimeout must be between 1 minute and 24 hours.");
        }
    }
}
