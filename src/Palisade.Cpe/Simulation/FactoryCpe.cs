namespace Palisade.Cpe.Simulation;

/// <summary>A simulated device that left the factory with its own identity and credentials (<c>sim --credentials-from</c>).</summary>
/// <param name="Oui">Its OUI.</param>
/// <param name="ProductClass">Its product class.</param>
/// <param name="SerialNumber">Its serial number.</param>
/// <param name="Username">ManagementServer.Username.</param>
/// <param name="Password">ManagementServer.Password.</param>
/// <param name="ConnectionRequestUsername">ConnectionRequestUsername, or null.</param>
/// <param name="ConnectionRequestPassword">ConnectionRequestPassword, or null.</param>
public sealed record FactoryCpe(string Oui, string ProductClass, string SerialNumber, string Username, string Password, string? ConnectionRequestUsername, string? ConnectionRequestPassword)
{
    /// <summary>Never prints passwords.</summary>
    public override string ToString() => $"FactoryCpe {{ {Oui}-{ProductClass}-{SerialNumber}, Username = {Username} }}";
}
