namespace Palisade.Acs.Devices;

/// <summary>A credential kept valid until the device first uses its new one (see <see cref="DeviceCredentials.Previous"/>).</summary>
/// <param name="Username">The user name the device still sends.</param>
/// <param name="Ha1Md5">HA1 for Digest MD5.</param>
/// <param name="Ha1Sha256">HA1 for Digest SHA-256.</param>
public sealed record PreviousCredential(string Username, byte[] Ha1Md5, byte[] Ha1Sha256)
{
    /// <inheritdoc />
    public bool Equals(PreviousCredential? other) =>
        other is not null && Username == other.Username && Ha1Md5.AsSpan().SequenceEqual(other.Ha1Md5) && Ha1Sha256.AsSpan().SequenceEqual(other.Ha1Sha256);

    /// <inheritdoc />
    public override int GetHashCode() => Username.GetHashCode(StringComparison.Ordinal);

    /// <summary>Never prints hashes.</summary>
    public override string ToString() => $"PreviousCredential {{ Username = {Username} }}";
}
