namespace Palisade.Acs.Devices;

/// <summary>
/// How a device proves itself to the ACS. Digest needs <c>HA1 = H(user:realm:password)</c>, not the
/// password, so only HA1 per algorithm is kept; a leak of the store does not reveal passwords that
/// work at another ACS realm.
/// </summary>
/// <param name="Username">The user name the device sends (its ManagementServer.Username).</param>
/// <param name="Ha1Md5">HA1 for Digest MD5, or null.</param>
/// <param name="Ha1Sha256">HA1 for Digest SHA-256, or null.</param>
/// <param name="Enrolled">True once the device has been given its own credential; the bootstrap credential is refused from then on.</param>
/// <param name="CertificateThumbprint">The client certificate the device is bound to, if any: SHA-256 of its public key (see <see cref="Identity.CertificateBinding"/>).</param>
public sealed record DeviceCredentials(string? Username, byte[]? Ha1Md5, byte[]? Ha1Sha256, bool Enrolled, string? CertificateThumbprint)
{
    /// <summary>No credentials yet.</summary>
    public static DeviceCredentials None { get; } = new(null, null, null, false, null);

    /// <summary>
    /// The credential the device had before a change it accepted with status 1 ("applied at the next boot"): still
    /// valid for this device alone until it first authenticates with the new one, then retired.
    /// </summary>
    public PreviousCredential? Previous { get; init; }

    /// <inheritdoc />
    public bool Equals(DeviceCredentials? other) =>
        other is not null && Username == other.Username && Enrolled == other.Enrolled && CertificateThumbprint == other.CertificateThumbprint
        && Same(Ha1Md5, other.Ha1Md5) && Same(Ha1Sha256, other.Ha1Sha256) && Equals(Previous, other.Previous);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Username, Enrolled, CertificateThumbprint);

    /// <summary>Never prints hashes.</summary>
    public override string ToString() => $"DeviceCredentials {{ Username = {Username}, Enrolled = {Enrolled}, Digest = {Ha1Md5 is not null || Ha1Sha256 is not null}, Certificate = {CertificateThumbprint is not null}, Previous = {Previous is not null} }}";

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
