namespace Palisade.Server.Console;

/// <summary>How the console's sessions behave.</summary>
public sealed class ConsoleOptions
{
    /// <summary>How long a live page polls before it asks to be reloaded.</summary>
    public TimeSpan LivePollLimit { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The sandbox limits of a provision's dry run (the host sets the sessions' own).</summary>
    public Acs.Provisioning.Scripts.ScriptLimits Scripts { get; set; } = new();

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (LivePollLimit < TimeSpan.FromMinutes(1) || LivePollLimit > TimeSpan.FromHours(24))
        {
            throw new ArgumentOutOfRangeException(nameof(LivePollLimit), "ConsoleOptions.LivePollLimit must be between 1 minute and 24 hours.");
        }
    }
}
