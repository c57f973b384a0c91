using Palisade.Acs.Devices;

namespace Palisade.Acs.FactoryCredentials;

/// <summary>One line of a factory-credential file: a device and the credentials it left the factory with.</summary>
/// <param name="Line">The line number in the file (1 is the header).</param>
/// <param name="Id">The device id.</param>
/// <param name="Username">Its ManagementServer.Username.</param>
/// <param name="Password">Its ManagementServer.Password.</param>
/// <param name="ConnectionRequestUsername">Its ConnectionRequestUsername, or null.</param>
/// <param name="ConnectionRequestPassword">Its ConnectionRequestPassword, or null.</param>
/// <param name="Rotate">Whether the ACS may replace the credential (false: the device cannot take another one).</param>
public sealed record FactoryDevice(int Line, DeviceId Id, string Username, string Password, string? ConnectionRequestUsername, string? ConnectionRequestPassword, bool Rotate)
{
    /// <summary>Never prints passwords.</summary>
    public override string ToString() => $"FactoryDevice {{ Line = {Line}, Id = {Id}, Username = {Username}, Rotate = {Rotate} }}";
}
