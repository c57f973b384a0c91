using Palisade.Acs.Devices;
using Palisade.Security.Digest;

namespace Palisade.Acs.Auth;

/// <summary>What the ACS stores once a device accepted new ACS credentials (enrollment or rotation).</summary>
internal static class CredentialChange
{
    /// <summary>
    /// The device's credentials after it answered the write with <paramref name="status"/>. With 0 the new credential
    /// replaces the old one at once. With 1 (TR-069 A.3.2.1: applied only after a reboot) the device keeps presenting
    /// the old one until it reboots, so the old one (the bootstrap credential, for an enrollment) stays valid for this
    /// device alone until it first authenticates with the new one.
    /// </summary>
    public static DeviceCredentials Accepted(AuthenticationOptions options, DeviceCredentials old, string username, string password, int status)
    {
        var next = DeviceAuthenticator.CredentialsFor(options.Realm, username, password) with { CertificateThumbprint = old.CertificateThumbprint };
        if (status != 1)
        {
            return next;
        }

        PreviousCredential? previous = old.Enrolled
            ? old.Previous ?? (old.Username is { } user && old.Ha1Md5 is { } md5 && old.Ha1Sha256 is { } sha ? new PreviousCredential(user, md5, sha) : null)
            : options.Bootstrap is { } bootstrap
                ? new PreviousCredential(
                    bootstrap.Username,
                    DigestMath.Ha1(DigestAlgorithm.Md5, bootstrap.Username, options.Realm, bootstrap.Password),
                    DigestMath.Ha1(DigestAlgorithm.Sha256, bootstrap.Username, options.Realm, bootstrap.Password))
                : null;
        return next with { Previous = previous };
    }
}
