using System.Net;
using System.Security.Cryptography.X509Certificates;
using Palisade.Security.Secrets;

namespace Palisade.Security.Pki;

#pragma warning disable CA2000 // The authority and certificates created here are handed to the caller in PkiMaterial, which owns them.

/// <summary>What <see cref="PkiStore.Ensure"/> found or made.</summary>
public sealed record PkiMaterial(CertificateAuthority Authority, X509Certificate2 ServerCertificate, string CaCertificatePath, bool CreatedAuthority, bool IssuedServerCertificate)
{
    /// <summary>The CA certificate's SHA-256 fingerprint, for installing on CPEs.</summary>
    public string CaFingerprint => Certificates.Sha256Fingerprint(Authority.Certificate);
}

/// <summary>
/// The private PKI in <c>DATA/pki</c>: <c>ca.crt</c>/<c>ca.key</c> and <c>server.crt</c>/<c>server.key</c>, keys
/// readable by the owner only. Created on first start; the server certificate is reissued when the host names
/// change or it is within 30 days of expiry. The CA itself is never replaced silently: CPEs trust it.
/// </summary>
public static class PkiStore
{
    /// <summary>How long an issued server certificate is valid.</summary>
    public static readonly TimeSpan ServerValidity = TimeSpan.FromDays(397);

    /// <summary>Loads or creates the PKI under <paramref name="directory"/> for <paramref name="hostnames"/>.</summary>
    public static PkiMaterial Ensure(string directory, IReadOnlyList<string> hostnames, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(hostnames);
        time ??= TimeProvider.System;
        SecretFile.CreatePrivateDirectory(directory);
        var caCrt = Path.Combine(directory, "ca.crt");
        var caKey = Path.Combine(directory, "ca.key");
        var serverCrt = Path.Combine(directory, "server.crt");
        var serverKey = Path.Combine(directory, "server.key");

        CertificateAuthority authority;
        var createdAuthority = false;
        if (File.Exists(caCrt) && File.Exists(caKey))
        {
            authority = new CertificateAuthority(LoadWithKey(caCrt, caKey), time);
        }
        else if (File.Exists(caCrt) || File.Exists(caKey))
        {
            throw new InvalidDataException($"{directory} holds only half of the CA (ca.crt and ca.key go together). Restore the missing file, or remove both to create a new CA (every CPE must then trust the new one).");
        }
        else
        {
            authority = CertificateAuthority.Create("Palisade ACS CA " + DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), time);
            var (crt, key) = Certificates.ToPem(authority.Certificate);
            SecretFile.Write(caKey, key);
            SecretFile.WritePublic(caCrt, crt);
            createdAuthority = true;
        }

        X509Certificate2? server = null;
        if (File.Exists(serverCrt) && File.Exists(serverKey))
        {
            server = LoadWithKey(serverCrt, serverKey);
            if (!Covers(server, hostnames) || server.NotAfter.ToUniversalTime() < time.GetUtcNow().UtcDateTime.AddDays(30) || !IssuedBy(server, authority.Certificate))
            {
                server.Dispose();
                server = null;
            }
        }

        var issued = false;
        if (server is null)
        {
            server = authority.IssueServer(hostnames, ServerValidity);
            var (crt, key) = Certificates.ToPem(server);
            SecretFile.Write(serverKey, key);
            SecretFile.WritePublic(serverCrt, crt);
            issued = true;
        }

        return new PkiMaterial(authority, server, caCrt, createdAuthority, issued);
    }

    /// <summary>Loads a PEM certificate with its PEM private key.</summary>
    public static X509Certificate2 LoadWithKey(string certificatePath, string keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidDataException($"Cannot load the certificate {certificatePath} with the key {keyPath}: {e.Message}", e);
        }
    }

    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 authority) =>
        certificate.IssuerName.RawData.AsSpan().SequenceEqual(authority.SubjectName.RawData);

    private static bool Covers(X509Certificate2 certificate, IReadOnlyList<string> names)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return false;
        }

        var dns = san.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var ips = san.EnumerateIPAddresses().ToHashSet();
        return names.All(n => IPAddress.TryParse(n, out var ip) ? ips.Contains(ip) : dns.Contains(n))
            && dns.Count + ips.Count == names.Distinct(StringComparer.OrdinalIgnoreCase).Count();
    }
}
