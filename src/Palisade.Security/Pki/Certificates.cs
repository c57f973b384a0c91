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
    /// How a client certificate (a device's) is checked: a chain to one of the anchors only (not the system store),
    /// within its validity at the time of each build, with the clientAuth usage; no revocation check, since the
    /// Palisade CA publishes no CRL. A TLS server sets it as its <c>CertificateChainPolicy</c> so that the handshake's
    /// own chain is the check: left to its default, SslStream first builds a client's chain against the system store,
    /// sorting its hundred-odd roots into a new OpenSSL store on every handshake.
    /// </summary>
    public static X509ChainPolicy ClientChainPolicy(X509Certificate2Collection anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(anchors);
        policy.ApplicationPolicy.Add(new Oid(ClientAuthOid));
        return policy;
    }

    /// <summary>
    /// TLS client options that check a server's certificate the way Palisade does (an ACS, a file server, a CPE's
    /// https connection-request URL): a chain to one of <paramref name="trustedCas"/> for server authentication, or,
    /// when the chain does not end there, to a system root (a file server with a public certificate); the host name
    /// per RFC 6125 and the validity period always. A name mismatch or a missing certificate is never forgiven;
    /// <paramref name="insecure"/> accepts anything.
    /// </summary>
    /// <remarks>
    /// The chain is built against the configured CAs first: building against the system store means sorting its
    /// hundred-odd roots into a new OpenSSL store on every handshake, which cost a simulated CPE more CPU than the
    /// rest of its TLS handshake. The system store is consulted only for a certificate the CAs do not vouch for.
    /// </remarks>
    public static SslClientAuthenticationOptions ServerAuthentication(X509Certificate2Collection trustedCas, bool insecure)
    {
        ArgumentNullException.ThrowIfNull(trustedCas);
        var options = new SslClientAuthenticationOptions();
        if (insecure)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            return options;
        }

        if (trustedCas.Count == 0)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, errors) => errors == SslPolicyErrors.None;
            return options;
        }

        // SslStream clones this policy for each handshake, so one instance serves every connection.
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(trustedCas);
        policy.ApplicationPolicy.Add(new Oid(ServerAuthOid));
        options.CertificateChainPolicy = policy;
        options.RemoteCertificateValidationCallback = static (_, certificate, sent, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthOid));
            if (sent is not null)
            {
                // The intermediates the server sent, which SslStream put there.
                chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
            }

            if (certificate is X509Certificate2 certificate2)
            {
                return chain.Build(certificate2);
            }

            using var loaded = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(loaded);
        };
        return options;
    }

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
}
