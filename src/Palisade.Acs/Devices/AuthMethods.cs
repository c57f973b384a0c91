namespace Palisade.Acs.Devices;

/// <summary>The names under which <see cref="Device.AuthMethod"/> records how a device authenticated.</summary>
public static class AuthMethods
{
    public const string DigestMd5 = "digest-md5";
    public const string DigestSha256 = "digest-sha256";
    public const string ClientCertificate = "client-certificate";
    public const string Basic = "basic";
    public const string Bootstrap = "bootstrap";
}
