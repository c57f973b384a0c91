namespace Palisade.Acs.Tasks;

/// <summary>
/// Give the device new unique ACS credentials (ManagementServer.Username and .Password). The ACS makes them up, sends
/// them, and stores them in the same commit as the device's success, so the device is never locked out; the only way
/// to change them, since a setParameterValues task may not (the ACS would not know the new value).
/// <see cref="Auth.CredentialRotationStep"/> runs it.
/// </summary>
public sealed record RotateCredentialsTask : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "rotateCredentials";

    /// <inheritdoc />
    public override bool ChangesManagementServer => true;

    /// <summary>True for a device's own ACS user name or password (under either data-model root).</summary>
    public static bool IsAcsCredential(string parameterName)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        return parameterName.EndsWith(".ManagementServer.Username", StringComparison.Ordinal)
            || parameterName.EndsWith(".ManagementServer.Password", StringComparison.Ordinal);
    }
}
