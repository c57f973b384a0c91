using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Palisade.Security.Pki;

/// <summary>
/// Palisade's private certificate authority: an ECDSA P-256 root that issues the ACS's server certificate and,
/// when an operator wants them, client certificates for devices (subject CN = the device identity).
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly TimeProvider _time;

    /// <summary>Wraps an existing CA certificate that carries its private key.</summary>
    public CertificateAuthority(X509Certificate2 certificate, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The CA certificate must carry its private key to issue certificates.", nameof(certificate));
        }

        Certificate = certificate;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The root certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a new root valid for ten years.</summary>
    public static CertificateAuthority Create(string commonName, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(commonName)}, O=Palisade"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        return new CertificateAuthority(request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10)), time);
    }

    /// <summary>Issues a TLS server certificate for host names and IP addresses, valid for <paramref name="validity"/>.</summary>
    public X509Certificate2 IssueServer(IReadOnlyList<string> names, TimeSpan validity)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            throw new ArgumentException("A server certificate needs at least one host name or address.", nameof(names));
        }

        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        return Issue($"CN={Escape(names[0])}", ServerAuth, validity, san.Build(true));
    }

    /// <summary>Issues a client certificate whose subject CN is <paramref name="deviceIdentity"/>.</summary>
    public X509Certificate2 IssueClient(string deviceIdentity, TimeSpan validity) =>
        Issue($"CN={Escape(deviceIdentity)}", ClientAuth, validity, null);

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();

    private X509Certificate2 Issue(string subject, Oid usage, TimeSpan validity, X509Extension? san)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var now = _time.GetUtcNow();
        var notAfter = now + validity;
        if (notAfter > Certificate.NotAfter)
        {
            notAfter = Certificate.NotAfter;
        }

        using var issued = request.Create(Certificate, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    // X.500 names: quote a value that holds a separator rather than let it add attributes.
    private static string Escape(string value) =>
        value.IndexOfAny([',', '+', '"', '\\', '<', '>', ';', '=']) >= 0 ? "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : value;
}
