using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Palisade.Security.Pki;

namespace Palisade.Server;

/// <summary>
/// The TLS every Palisade listener offers, chosen per connection from the client's hello:
/// <list type="bullet">
/// <item>a client that offers TLS 1.3 gets TLS 1.3 only, whose suites are all AEAD with forward secrecy; such
/// sessions can be resumed (a CPE that informs every few minutes skips the certificate signature and chain check);</item>
/// <item>a client that offers only TLS 1.2 gets TLS 1.2 restricted to ECDHE with AEAD ciphers (no CBC, no RSA key
/// exchange). On Linux .NET cannot resume a session whose suites are restricted, so these are full handshakes;</item>
/// <item>a hello that cannot be read to its end (one continued in a second record, or malformed) gets TLS 1.2 and
/// 1.3 with the restricted suites: every client is served, none resumes.</item>
/// </list>
/// Anything older fails the handshake.
/// </summary>
public static class TlsPolicy
{
    private static readonly TlsCipherSuite[] Suites =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    // Built once (not per TLS 1.2 connection); null where the platform has no such policy.
    private static readonly CipherSuitesPolicy? RestrictedSuites = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? null : new(Suites);

    private static readonly object OfferedKey = new();

    /// <summary>
    /// Serves TLS on <paramref name="listen"/> with this policy. With <paramref name="clientAnchors"/> the server asks
    /// for a client certificate (optional; one presented must chain to an anchor or the handshake fails).
    /// </summary>
    public static void Apply(ListenOptions listen, X509Certificate2 certificate, X509Certificate2Collection? clientAnchors)
    {
        // SslStream clones the policy for each handshake, so one instance serves every connection.
        var clientPolicy = clientAnchors is null ? null : Certificates.ClientChainPolicy(clientAnchors);
        listen.UseHttps(https =>
        {
            // Kestrel builds one certificate context from this and keeps it: OpenSSL's session cache lives there.
            https.ServerCertificate = certificate;
            https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            https.CheckCertificateRevocation = false;
            https.HandshakeTimeout = TimeSpan.FromSeconds(10);
            if (clientAnchors is not null)
            {
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                // The handshake builds the client's chain with clientPolicy (set per connection below): to the anchors
                // only, with the clientAuth usage, within its validity. Its verdict is the check.
                https.ClientCertificateValidation = static (_, _, errors) => errors == SslPolicyErrors.None;
            }

            // SslStream reports only a hello's legacy version (TLS 1.2 for every TLS 1.3 client), so the offered
            // versions are read from the hello's supported_versions extension before the handshake.
#pragma warning disable CS0618 // Its successor, ListenOptions.UseTlsClientHelloListener, arrives after .NET 10.
            https.TlsClientHelloBytesCallback = (connection, hello) => connection.Items[OfferedKey] = ClientHello.Read(hello);
#pragma warning restore CS0618
            https.OnAuthenticate = (connection, ssl) =>
            {
                Restrict(ssl, connection.Items.TryGetValue(OfferedKey, out var offered) && offered is OfferedVersions versions ? versions : OfferedVersions.Unknown);
                if (clientPolicy is not null)
                {
                    ssl.CertificateChainPolicy = clientPolicy;
                }
            };
        });
    }

    /// <summary>Narrows Kestrel's options for one connection to what its client offered.</summary>
    internal static void Restrict(SslServerAuthenticationOptions ssl, OfferedVersions offered)
    {
        if (offered == OfferedVersions.Tls13)
        {
            ssl.EnabledSslProtocols = SslProtocols.Tls13;
            ssl.AllowTlsResume = true;
            return;
        }

        // Restricted suites: .NET would not resume these sessions anyway.
        ssl.EnabledSslProtocols = offered == OfferedVersions.Tls12Only ? SslProtocols.Tls12 : SslProtocols.Tls12 | SslProtocols.Tls13;
        ssl.AllowTlsResume = false;
        ssl.CipherSuitesPolicy = RestrictedSuites;
    }
}
