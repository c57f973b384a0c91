namespace Palisade.Cpe.SoftwareModules;

/// <summary>An installed deployment unit with its one execution unit (same instance number).</summary>
/// <param name="Instance">The instance number of both.</param>
/// <param name="Uuid">Its UUID.</param>
/// <param name="Name">Its name (the file name it came from).</param>
/// <param name="Url">Where it came from.</param>
/// <param name="Version">Its version, from its signature.</param>
public sealed record DeploymentUnit(uint Instance, string Uuid, string Name, string Url, string Version)
{
    /// <summary>True in the result of an uninstall.</summary>
    public bool Uninstalled { get; init; }
}
