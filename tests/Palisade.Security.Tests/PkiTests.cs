using System.Security.Cryptography.X509Certificates;
using Palisade.Security.Pki;
using Palisade.Security.Secrets;

namespace Palisade.Security.Tests;

public sealed class PkiTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("palisade-pki-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void First_start_creates_a_p256_ca_and_a_server_certificate_with_private_keys_owner_only()
    {
        var pki = PkiStore.Ensure(Path.Combine(_dir, "pki"), ["localhost", "127.0.0.1"]);
        Assert.True(pki.CreatedAuthority);
        Assert.True(pki.IssuedServerCertificate);
        Assert.Equal("ECC", pki.Authority.Certificate.PublicKey.Oid.FriendlyName);
        Assert.Equal(256, pki.Authority.Certificate.GetECDsaPublicKey()!.KeySize);
        foreach (var key in new[] { "ca.key", "server.key" })
        {
            var mode = File.GetUnixFileMode(Path.Combine(_dir, "pki", key));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }

        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", pki.CaFingerprint);
        var san = pki.ServerCertificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("localhost", san.EnumerateDnsNames());
        Assert.Contains(System.Net.IPAddress.Loopback, san.EnumerateIPAddresses());

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(File.ReadAllText(pki.CaCertificatePath)));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(pki.ServerCertificate));
    }

    [Fact]
    public void A_restart_keeps_the_ca_and_reissues_the_server_certificate_only_when_names_change()
    {
        var first = PkiStore.Ensure(_dir, ["localhost"]);
        var second = PkiStore.Ensure(_dir, ["localhost"]);
        Assert.False(second.CreatedAuthority);
        Assert.False(second.IssuedServerCertificate);
        Assert.Equal(first.CaFingerprint, second.CaFingerprint);
        Assert.Equal(first.ServerCertificate.Thumbprint, second.ServerCertificate.Thumbprint);

        var third = PkiStore.Ensure(_dir, ["localhost", "acs.example.net"]);
        Assert.False(third.CreatedAuthority);
        Assert.True(third.IssuedServerCertificate);
        Assert.Equal(first.CaFingerprint, third.CaFingerprint);
    }

    [Fact]
    public void Half_a_ca_is_an_error_not_a_silent_new_ca()
    {
        PkiStore.Ensure(_dir, ["localhost"]);
        File.Delete(Path.Combine(_dir, "ca.key"));
        var error = Assert.Throws<InvalidDataException>(() => PkiStore.Ensure(_dir, ["localhost"]));
        Assert.Contains("ca.key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_certificates_chain_to_the_ca_and_carry_the_device_identity()
    {
        using var ca = CertificateAuthority.Create("test");
        using var other = CertificateAuthority.Create("other");
        using var client = ca.IssueClient("00D09E-HGW-SN1", TimeSpan.FromDays(365));
        using var foreign = other.IssueClient("00D09E-HGW-SN1", TimeSpan.FromDays(365));
        Assert.Equal("00D09E-HGW-SN1", Certificates.CommonName(client));
        Assert.True(ChainsAsClient(client, ca, DateTimeOffset.UtcNow));
        Assert.False(ChainsAsClient(foreign, ca, DateTimeOffset.UtcNow));
        Assert.False(ChainsAsClient(client, ca, DateTimeOffset.UtcNow.AddYears(2)));
    }

    [Fact]
    public void A_server_certificate_is_not_a_client_certificate()
    {
        using var ca = CertificateAuthority.Create("test");
        using var server = ca.IssueServer(["localhost"], TimeSpan.FromDays(30));
        Assert.False(ChainsAsClient(server, ca, DateTimeOffset.UtcNow));
    }

    // The check the CWMP port's handshake makes of a client certificate: a chain built with ClientChainPolicy.
    private static bool ChainsAsClient(X509Certificate2 certificate, CertificateAuthority ca, DateTimeOffset when)
    {
        using var chain = new X509Chain { ChainPolicy = Certificates.ClientChainPolicy([ca.Certificate]) };
        chain.ChainPolicy.VerificationTime = when.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        return chain.Build(certificate);
    }

    [Theory]
    [InlineData("1.3.6.1.5.5.7.3.1", true)]
    [InlineData("1.3.6.1.5.5.7.3.2", false)]
    public async Task A_server_must_chain_to_a_configured_ca_for_server_authentication(string usage, bool accepted)
    {
        using var ca = CertificateAuthority.Create("test");
        using var certificate = IssueFor(ca, "localhost", usage);
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var client = new System.Net.Sockets.TcpClient();
        var accepting = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, ((System.Net.IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await accepting;
        await using var serverTls = new System.Net.Security.SslStream(server.GetStream());
        await using var clientTls = new System.Net.Security.SslStream(client.GetStream());
        var options = Certificates.ServerAuthentication([ca.Certificate], insecure: false);
        options.TargetHost = "localhost";
        var serving = serverTls.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions { ServerCertificate = certificate });
        if (accepted)
        {
            await clientTls.AuthenticateAsClientAsync(options);
            await serving;
            Assert.Equal(certificate.Thumbprint, clientTls.RemoteCertificate!.GetCertHashString());
        }
        else
        {
            await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => clientTls.AuthenticateAsClientAsync(options));
            // The server's side may or may not see the refusal (with TLS 1.3 it has finished first); either is fine.
            await Record.ExceptionAsync(() => serving);
        }
    }

    [Fact]
    public void A_server_the_configured_cas_do_not_vouch_for_may_still_chain_to_a_system_root()
    {
        // A firmware file server with a public certificate, for a CPE whose ACS uses a private CA. The handshake
        // builds against the configured CAs only; the callback then asks the system store. A system root stands in
        // for such a server here (no public server is reachable from the tests).
        using var ca = CertificateAuthority.Create("test");
        var check = Certificates.ServerAuthentication([ca.Certificate], insecure: false).RemoteCertificateValidationCallback!;
        using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
        store.Open(OpenFlags.ReadOnly);
        var now = DateTime.Now;
        var root = store.Certificates.FirstOrDefault(c => c.NotBefore < now && c.NotAfter > now && !c.Extensions.OfType<X509EnhancedKeyUsageExtension>().Any());
        Assert.True(root is not null, "the system trust store is empty: install the ca-certificates package");

        Assert.True(check(this, root, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(check(this, root, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors | System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(check(this, null, null, System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable));

        // Neither the configured CAs nor the system store vouch for another private CA's server.
        using var other = CertificateAuthority.Create("other");
        using var stranger = other.IssueServer(["localhost"], TimeSpan.FromDays(1));
        Assert.False(check(this, stranger, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public void A_sealed_secret_opens_only_with_its_key_and_context_and_unaltered()
    {
        var box = SecretBox.Create();
        var sealedValue = box.Seal("cr-pässword", "cr_password\nA");
        Assert.Equal(SecretBox.SealedLength(System.Text.Encoding.UTF8.GetByteCount("cr-pässword")), sealedValue.Length);
        Assert.Equal("cr-pässword", box.Open(sealedValue, "cr_password\nA"));
        Assert.Equal("cr-pässword", SecretBox.FromKeyText(box.KeyText).Open(sealedValue, "cr_password\nA"));
        Assert.NotEqual(sealedValue, box.Seal("cr-pässword", "cr_password\nA")); // a new nonce each time

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => box.Open(sealedValue, "cr_password\nB"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => SecretBox.Create().Open(sealedValue, "cr_password\nA"));
        var altered = (byte[])sealedValue.Clone();
        altered[^1] ^= 1;
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => box.Open(altered, "cr_password\nA"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => box.Open(sealedValue.AsSpan(0, 20), "cr_password\nA"));

        Assert.Throws<InvalidDataException>(() => SecretBox.FromKeyText("not base64!"));
        Assert.Throws<InvalidDataException>(() => SecretBox.FromKeyText(Convert.ToBase64String(new byte[16])));
    }

    [Fact]
    public void Bootstrap_credential_is_generated_once_owner_only_and_reloaded()
    {
        var path = Path.Combine(_dir, BootstrapCredential.FileName);
        var created = BootstrapCredential.LoadOrCreate(path, out var wasCreated);
        Assert.True(wasCreated);
        Assert.True(created.Password.Length >= 24);
        Assert.False(SecretFile.IsExposed(path));
        var loaded = BootstrapCredential.LoadOrCreate(path, out wasCreated);
        Assert.False(wasCreated);
        Assert.Equal(created, loaded);
        Assert.DoesNotContain(created.Password, created.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nocolon")]
    [InlineData(":password")]
    [InlineData("user:")]
    public void Bad_bootstrap_credentials_are_refused(string text) => Assert.False(BootstrapCredential.TryParse(text, out _));

    [Fact]
    public void Generated_passwords_differ_and_have_the_asked_length()
    {
        var a = PasswordGenerator.Generate();
        var b = PasswordGenerator.Generate();
        Assert.NotEqual(a, b);
        Assert.Equal(24, a.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => PasswordGenerator.Generate(8));
    }

    // A certificate from the CA for one host name, with only the extended key usage given.
    private static X509Certificate2 IssueFor(CertificateAuthority ca, string host, string usage)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + host, key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new System.Security.Cryptography.Oid(usage)], false));
        using var issued = request.Create(ca.Certificate, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }
}
