using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Palisade.Audit;

/// <summary>TLS checks: protocol versions and cipher suites accepted, and the certificate's problems.</summary>
internal static class TlsProbe
{
    private static readonly TlsCipherSuite[] WeakSuites =
    [
        TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        TlsCipherSuite.TLS_RSA_WITH_AES_128_GCM_SHA256,
    ];

    public static async Task RunAsync(AuditOptions options, List<Finding> findings, CancellationToken cancellationToken)
    {
        var host = options.Target.Host;
        var port = options.Target.Port;

#pragma warning disable SYSLIB0039, CA5397, CA5398 // Offering old protocols is the point: the audit reports servers that accept them.
        foreach (var (protocol, name) in new[] { (SslProtocols.Tls, "TLS 1.0"), (SslProtocols.Tls11, "TLS 1.1") })
        {
            if (await HandshakeAsync(host, port, protocol, null, options, cancellationToken).ConfigureAwait(false) is { Accepted: true })
            {
                findings.Add(new("tls-old-protocol", Severity.High, $"{name} accepted", $"a {name}-only handshake with {host}:{port} succeeded",
                    "Accept TLS 1.2 and 1.3 only."));
            }
        }
#pragma warning restore SYSLIB0039, CA5397, CA5398

        if (OperatingSystem.IsLinux())
        {
            var weak = await HandshakeAsync(host, port, SslProtocols.Tls12, new CipherSuitesPolicy(WeakSuites), options, cancellationToken).ConfigureAwait(false);
            if (weak.Accepted)
            {
                findings.Add(new("tls-weak-cipher", Severity.Medium, "Weak cipher suite accepted", $"TLS 1.2 handshake completed with {weak.Cipher} (no forward secrecy or CBC)",
                    "Offer only ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 (and TLS 1.3)."));
            }
        }

        var modern = await HandshakeAsync(host, port, SslProtocols.Tls12 | SslProtocols.Tls13, null, options, cancellationToken).ConfigureAwait(false);
        if (!modern.Accepted || modern.Certificate is null)
        {
            findings.Add(new("tls-unavailable", Severity.High, "No TLS 1.2/1.3 handshake possible", modern.Error ?? "the handshake failed", "Serve TLS 1.2 and 1.3 with a valid certificate."));
            return;
        }

        CheckCertificate(modern.Certificate, modern.Intermediates, host, options, findings);
    }

    private static void CheckCertificate(X509Certificate2 certificate, X509Certificate2Collection presented, string host, AuditOptions options, List<Finding> findings)
    {
        var now = DateTime.UtcNow;
        var subject = certificate.Subject;
        if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
        {
            var trusted = options.TrustedCas.Cast<X509Certificate2>().Any(c => c.Thumbprint == certificate.Thumbprint);
            findings.Add(new("cert-self-signed", trusted ? Severity.Low : Severity.High, "Self-signed certificate", $"{subject} is its own issuer",
                "Use a certificate issued by a CA the CPEs trust (Palisade's private CA or a public one)."));
        }

        if (certificate.NotAfter.ToUniversalTime() < now)
        {
            findings.Add(new("cert-expired", Severity.High, "Certificate expired", $"not after {certificate.NotAfter:u}", "Renew the certificate."));
        }

        if (certificate.NotBefore.ToUniversalTime() > now)
        {
            findings.Add(new("cert-not-yet-valid", Severity.High, "Certificate not yet valid", $"not before {certificate.NotBefore:u}", "Check the server clock and the certificate dates."));
        }

        if (!certificate.MatchesHostname(host, allowWildcards: true, allowCommonName: false))
        {
            findings.Add(new("cert-wrong-host", Severity.High, "Certificate does not name the host", $"{host} is not in the subjectAltName of {subject}",
                "Issue the certificate for the name CPEs use (palisade serve --hostname)."));
        }

        var weakKey = certificate.GetRSAPublicKey() is { } rsa ? (rsa.KeySize < 2048 ? $"RSA {rsa.KeySize} bits" : null)
            : certificate.GetECDsaPublicKey() is { } ec ? (ec.KeySize < 256 ? $"EC {ec.KeySize} bits" : null) : null;
        if (weakKey is not null)
        {
            findings.Add(new("cert-weak-key", Severity.Medium, "Weak certificate key", weakKey, "Use RSA ≥ 2048 bits or ECDSA P-256 or stronger."));
        }

        var algorithm = certificate.SignatureAlgorithm.FriendlyName ?? certificate.SignatureAlgorithm.Value ?? string.Empty;
        if (algorithm.Contains("sha1", StringComparison.OrdinalIgnoreCase) || algorithm.Contains("md5", StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new("cert-weak-signature", Severity.Medium, "Weak certificate signature algorithm", algorithm, "Reissue with SHA-256 or stronger."));
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(presented);
        if (options.TrustedCas.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(options.TrustedCas);
        }

        if (!chain.Build(certificate))
        {
            var statuses = chain.ChainStatus.Select(s => s.Status).ToHashSet();
            if (statuses.Contains(X509ChainStatusFlags.PartialChain) && !certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
            {
                findings.Add(new("cert-untrusted-or-missing-chain", Severity.High, "Certificate chain incomplete or untrusted", $"no path from {subject} to a trusted root ({string.Join(", ", statuses)})",
                    "Serve the intermediate certificates, and give the audit the CA with --ca when it is a private one."));
            }
        }
    }

    private sealed record Handshake(bool Accepted, X509Certificate2? Certificate, X509Certificate2Collection Intermediates, string? Cipher, string? Error);

    private static async Task<Handshake> HandshakeAsync(string host, int port, SslProtocols protocols, CipherSuitesPolicy? ciphers, AuditOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        X509Certificate2? certificate = null;
        var intermediates = new X509Certificate2Collection();
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            await using var ssl = new SslStream(client.GetStream(), false, (_, cert, chain, _) =>
            {
                if (cert is not null)
                {
                    certificate = X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                }

                foreach (var element in chain?.ChainElements.Skip(1) ?? [])
                {
                    intermediates.Add(X509CertificateLoader.LoadCertificate(element.Certificate.RawData));
                }

                return true; // The audit inspects the certificate itself; it never sends anything over this connection.
            });
            var authentication = new SslClientAuthenticationOptions
            {
                TargetHost = host,
                EnabledSslProtocols = protocols,
                CipherSuitesPolicy = ciphers,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            };
            await ssl.AuthenticateAsClientAsync(authentication, timeout.Token).ConfigureAwait(false);
            return new(true, certificate, intermediates, ssl.NegotiatedCipherSuite.ToString(), null);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException or PlatformNotSupportedException or CryptographicException)
        {
            return new(false, certificate, intermediates, null, e.Message);
        }
    }
}
