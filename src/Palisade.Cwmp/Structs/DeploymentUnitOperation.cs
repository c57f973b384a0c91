namespace Palisade.Cwmp.Structs;

/// <summary>One operation of ChangeDUState (TR-069 A.4.1.10): install, update or uninstall.</summary>
public abstract record DeploymentUnitOperation;

/// <summary>Install a deployment unit from <paramref name="Url"/>.</summary>
/// <param name="Url">Where to fetch it.</param>
/// <param name="Uuid">Its UUID, or empty to let the CPE derive it.</param>
/// <param name="Username">File server user name, or empty.</param>
/// <param name="Password">File server password, or empty.</param>
/// <param name="ExecutionEnvRef">The execution environment, or empty for the default.</param>
public sealed record InstallOperation(string Url, string Uuid, string Username, string Password, string ExecutionEnvRef) : DeploymentUnitOperation;

/// <summary>Update a deployment unit.</summary>
/// <param name="Uuid">Its UUID, or empty for all.</param>
/// <param name="Version">The version to update, or empty.</param>
/// <param name="Url">Where to fetch the update, or empty for the unit's own URL.</param>
/// <param name="Username">File server user name, or empty.</param>
/// <param name="Password">File server password, or empty.</param>
public sealed record UpdateOperation(string Uuid, string Version, string Url, string Username, string Password) : DeploymentUnitOperation;

/// <summary>Uninstall a deployment unit.</summary>
/// <param name="Uuid">Its UUID.</param>
/// <param name="Version">The version, or empty for all.</param>
/// <param name="ExecutionEnvRef">The execution environment, or empty.</param>
public sealed record UninstallOperation(string Uuid, string Version, string ExecutionEnvRef) : DeploymentUnitOperation;
