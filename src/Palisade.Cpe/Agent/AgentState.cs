namespace Palisade.Cpe.Agent;

/// <summary>What an agent keeps across restarts besides its parameters.</summary>
public sealed class AgentState
{
    public string? AcsUrl { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The device has completed its BOOTSTRAP session with the current ACS.</summary>
    public bool Bootstrapped { get; set; }
}
