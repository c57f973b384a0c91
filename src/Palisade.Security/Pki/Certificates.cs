using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Palisade.Security.Pki;

/// <summary>Small certificate helpers shared by the server, the CLI and the audit.</summary>
public static class Certificates
{
    /// <summary>SHA-256 of the DER encoding, as colon-separated upper-case hex (the form CPE UIs show).</summary>
    public static string Sha256Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return string.Join(':', Convert.ToHexString(SHA256.HashData(certificate.RawData)).Chunk(2).Select(c => new string(c)));
    }

    /// <summary>The subject's common name, or null.</summary>
    public static string? CommonName(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var name = certificate.GetNameInfo(X509NameType.SimpleName, false);
        return string.IsNullOrEmpty(name) ? null : name;
    }

    /// <summary>The certificate and its private key as PEM texts.</summary>
    public static (string Certificate, string PrivateKey) ToPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() as AsymmetricAlgorithm ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("The certificate carries no exportable private key.", nameof(certificate));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// Checks a client certificate against the given trust anchors only (not the system store): chain to one of
    /// them, within its validity, with the clientAuth usage. No revocation check: the Palisade CA publishes no CRL.
    /// </summary>
    public static bool IsTrustedClient(X509Certificate2 certificate, X509Certificate2Collection anchors, DateTimeOffset now, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(anchors);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        if (chain.Build(certificate))
        {
            problem = null;
            return true;
        }

        problem = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return false;
    }

    /// <summary>
    /// How Palisade checks a server's certificate (an ACS, a file server, a CPE's https connection-request URL): the
    /// platform's checks (chain to a system root, host name per RFC 6125, validity), or, when the chain is not
    /// system-trusted, a chain to one of <paramref name="trustedCas"/> for server authentication. A name mismatch or
    /// a missing certificate is never forgiven; <paramref name="insecure"/> accepts anything.
    /// </summary>
    public static RemoteCertificateValidationCallback ServerValidator(X509Certificate2Collection trustedCas, bool insecure)
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
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }
}
