using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Palisade.Cpe.Transport;

/// <summary>
/// How the CPE checks a server's certificate (the ACS's, a file server's): the platform's checks (chain to a
/// system root, host name per RFC 6125, validity), or, when the chain is not system-trusted, a chain to one of
/// the configured CAs. A name mismatch or a missing certificate is never forgiven.
/// </summary>
public static class ServerCertificates
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    /// <summary>A validation callback for <paramref name="trustedCas"/>; <paramref name="insecure"/> accepts anything.</summary>
    public static RemoteCertificateValidationCallback Validator(X509Certificate2Collection trustedCas, bool insecure)
    {
        ArgumentNullException.ThrowIfNull(trustedCas);
        return (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None || insecure)
            {
                return true;
            }

            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0 || trustedCas.Count == 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trustedCas);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.ApplicationPolicy.Add(ServerAuth);
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }
}
