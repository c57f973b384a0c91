namespace Palisade.Server.Console;

/// <summary>How the console's pages behave. (A live page polls for at most 10 minutes before it asks to be reloaded:
/// console.js, per element <c>data-for</c>.)</summary>
public sealed class ConsoleOptions
{
    /// <summary>The sandbox limits of a provision's dry run (the host sets the sessions' own).</summary>
    public Acs.Provisioning.Scripts.ScriptLimits Scripts { get; set; } = new();
}
