using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Palisade.Acs.Auth;
using Palisade.Acs.Devices;

namespace Palisade.Acs.Identity;

/// <summary>
/// Binds a device id to the client certificate it first authenticated with. The binding is the SHA-256 hash of the
/// certificate's public key (SubjectPublicKeyInfo), so a certificate renewed on the same key still fits, while a
/// certificate on another key, or any weaker method (Digest, Basic, the bootstrap credential), no longer admits
/// the id until an operator readmits it (an audited action).
/// </summary>
public static class CertificateBinding
{
    /// <summary>The binding value of <paramref name="certificate"/>: lower-case hex of SHA-256(SubjectPublicKeyInfo).</summary>
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>
    /// The device record after a session admitted by <paramref name="decision"/>: a first certificate binds the id
    /// (and marks it enrolled, so the bootstrap credential is refused from then on).
    /// </summary>
    public static Device Apply(Device device, AuthDecision decision)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.CertificateBinding is not { } binding || device.Credentials.CertificateThumbprint == binding)
        {
            return device;
        }

        return device with { Credentials = device.Credentials with { CertificateThumbprint = binding, Enrolled = true } };
    }
}
