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
        Assert.True(Certificates.IsTrustedClient(client, [ca.Certificate], DateTimeOffset.UtcNow, out _));
        Assert.False(Certificates.IsTrustedClient(foreign, [ca.Certificate], DateTimeOffset.UtcNow, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
        Assert.False(Certificates.IsTrustedClient(client, [ca.Certificate], DateTimeOffset.UtcNow.AddYears(2), out _));
    }

    [Fact]
    public void A_server_certificate_is_not_a_client_certificate()
    {
        using var ca = CertificateAuthority.Create("test");
        using var server = ca.IssueServer(["localhost"], TimeSpan.FromDays(30));
        Assert.False(Certificates.IsTrustedClient(server, [ca.Certificate], DateTimeOffset.UtcNow, out _));
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
}
