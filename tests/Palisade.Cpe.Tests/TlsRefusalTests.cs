using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Palisade.Security.Pki;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>The agent refuses an ACS it cannot trust before it sends a single SOAP byte.</summary>
public sealed class TlsRefusalTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private CertificateAuthority _ca = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _ca = _server.OpenCa();
    }

    public async Task DisposeAsync()
    {
        _ca.Dispose();
        await _server.DisposeAsync();
    }

    public static TheoryData<string> Cases => ["self-signed", "wrong-host", "expired", "untrusted-ca"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_acs_certificate_is_refused_before_any_soap(string kind)
    {
        using var certificate = kind switch
        {
            "self-signed" => SelfSigned(),
            "wrong-host" => _ca.IssueServer(["acs.other.example"], TimeSpan.FromDays(1)),
            "expired" => Expired(),
            _ => Untrusted(),
        };
        await using var acs = await TestWebServer.StartAsync(certificate, _ => Task.CompletedTask);
        await using var agent = NewAgent(_server, "TLS" + kind, url: acs.Url);
        var outcome = await agent.RunSessionAsync(CancellationToken.None);
        Assert.False(outcome.Success);
        Assert.Equal("tls", outcome.ErrorKind);
        Assert.Equal(0, acs.Requests);
    }

    [Fact]
    public async Task A_server_capped_at_tls_1_1_is_refused()
    {
        using var certificate = _ca.IssueServer(["127.0.0.1"], TimeSpan.FromDays(1));
#pragma warning disable SYSLIB0039 // TLS 1.1 on purpose: the test is that the agent refuses it.
        await using var acs = await TestWebServer.StartAsync(certificate, _ => Task.CompletedTask, SslProtocols.Tls11);
#pragma warning restore SYSLIB0039
        await using var agent = NewAgent(_server, "TLS11", url: acs.Url);
        var outcome = await agent.RunSessionAsync(CancellationToken.None);
        Assert.False(outcome.Success);
        Assert.Equal(0, acs.Requests);
    }

    [Fact]
    public async Task Insecure_skip_verify_is_the_only_way_past_and_it_is_explicit()
    {
        using var certificate = SelfSigned();
        await using var acs = await TestWebServer.StartAsync(certificate, context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        await using var agent = NewAgent(_server, "TLSSKIP", o => o.InsecureSkipVerify = true, url: acs.Url);
        var outcome = await agent.RunSessionAsync(CancellationToken.None);
        Assert.Equal("busy", outcome.ErrorKind);
        Assert.Equal(1, acs.Requests);
    }

    [Fact]
    public void An_http_acs_url_is_refused_unless_plaintext_is_allowed()
    {
        var error = Assert.Throws<ArgumentException>(() => NewAgent(_server, "PLAIN", url: new Uri("http://127.0.0.1:7547/")));
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private X509Certificate2 Expired()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        // Valid from the CA's own start until a minute ago.
        using var issued = request.Create(_ca.Certificate, _ca.Certificate.NotBefore, DateTimeOffset.UtcNow.AddMinutes(-1), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 Untrusted()
    {
        using var other = CertificateAuthority.Create("someone else");
        return other.IssueServer(["127.0.0.1"], TimeSpan.FromDays(1));
    }
}
