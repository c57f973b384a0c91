namespace Palisade.Cpe.Agent;

/// <summary>How a CPE connects to its ACS from one session to the next.</summary>
public enum ConnectionMode
{
    /// <summary>A new TCP and TLS connection for every session, closed after it: what real CPEs do.</summary>
    PerSession,

    /// <summary>One connection kept open across sessions while the ACS keeps it (a lab setting: it spares handshakes).</summary>
    Kept,
}
