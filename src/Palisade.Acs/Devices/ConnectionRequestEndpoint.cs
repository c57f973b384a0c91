namespace Palisade.Acs.Devices;

/// <summary>
/// Where and how the ACS can ask a device to open a session (TR-069 3.2.2). The password must be
/// kept usable because the ACS answers the device's Digest challenge with it; it is stored as the
/// device reported or the ACS set it, and never logged.
/// </summary>
/// <param name="Url">The ConnectionRequestURL.</param>
/// <param name="Username">The ConnectionRequestUsername.</param>
/// <param name="Password">The ConnectionRequestPassword, if known.</param>
/// <param name="UdpAddress">The UDPConnectionRequestAddress (host:port), if reported.</param>
public sealed record ConnectionRequestEndpoint(string Url, string? Username, string? Password, string? UdpAddress)
{
    /// <summary>Never prints the password.</summary>
    public override string ToString() => $"ConnectionRequestEndpoint {{ Url = {Url}, Username = {Username}, UdpAddress = {UdpAddress} }}";
}
