using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Auth;
using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;
using Palisade.Security.Digest;
using Palisade.Security.Secrets;

namespace Palisade.Acs.Tests.Auth;

/// <summary>Who gets in with an Inform: certificates, Digest, the bootstrap credential and Basic, on a fake clock.</summary>
public sealed class DeviceAuthenticatorTests
{
    private static readonly BootstrapCredential Bootstrap = new("palisade-bootstrap", "bootstrap-secret-0123456789");
    private static readonly DeviceId Id = new("00D09E", "HGW", "SN-AUTH");
    private static readonly DeviceId Other = new("00D09E", "HGW", "SN-OTHER");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly AuthenticationOptions _options = new() { Bootstrap = Bootstrap };

    [Fact]
    public void An_Inform_without_credentials_is_challenged_with_SHA_256_and_MD5()
    {
        var auth = Authenticator();

        var decision = auth.Authenticate(Id, null, Request(null));

        Assert.Equal(AuthVerdict.Challenge, decision.Verdict);
        Assert.False(decision.Stale);
        var challenges = auth.Challenges(Id, stale: false);
        Assert.Contains(challenges, c => c.Contains("algorithm=SHA-256", StringComparison.Ordinal));
        Assert.Contains(challenges, c => c.Contains("algorithm=MD5", StringComparison.Ordinal));
    }

    [Fact]
    public void The_bootstrap_credential_admits_an_unknown_device_and_asks_for_enrollment()
    {
        var auth = Authenticator();

        var decision = auth.Authenticate(Id, null, Request(Digest(auth, Id, Bootstrap.Username, Bootstrap.Password)));

        Assert.Equal(AuthVerdict.Accepted, decision.Verdict);
        Assert.Equal(AuthMethods.Bootstrap, decision.Method);
        Assert.True(decision.Enroll);
    }

    [Fact]
    public void The_bootstrap_credential_no_longer_admits_an_enrolled_device()
    {
        var auth = Authenticator();
        var known = Enrolled(auth, "own-password-0123456789");

        var decision = auth.Authenticate(Id, known, Request(Digest(auth, Id, Bootstrap.Username, Bootstrap.Password)));

        Assert.Equal(AuthVerdict.Challenge, decision.Verdict);
        Assert.False(decision.Enroll);
        Assert.Contains("enrolled", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void With_enrollment_closed_the_old_bootstrap_credential_admits_nobody()
    {
        _options.Bootstrap = null;
        var auth = Authenticator();

        var decision = auth.Authenticate(Id, null, Request(Digest(auth, Id, Bootstrap.Username, Bootstrap.Password)));

        Assert.Equal(AuthVerdict.Challenge, decision.Verdict);
    }

    [Theory]
    [InlineData("SHA-256", AuthMethods.DigestSha256)]
    [InlineData("MD5", AuthMethods.DigestMd5)]
    public void An_enrolled_device_gets_in_with_its_own_credential_by_either_algorithm(string algorithm, string method)
    {
        var auth = Authenticator();
        var known = Enrolled(auth, "own-password-0123456789");

        var decision = auth.Authenticate(Id, known, Request(Digest(auth, Id, Id.ToString(), "own-password-0123456789", algorithm)));

        Assert.Equal(AuthVerdict.Accepted, decision.Verdict);
        Assert.Equal(method, decision.Method);
        Assert.False(decision.Enroll);
    }

    [Fact]
    public void A_wrong_password_is_challenged_again()
    {
        var auth = Authenticator();
        var known = Enrolled(auth, "own-password-0123456789");

        var decision = auth.Authenticate(Id, known, Request(Digest(auth, Id, Id.ToString(), "guessed-password")));

        Assert.Equal(AuthVerdict.Challenge, decision.Verdict);
        Assert.Null(decision.Method);
    }

    [Fact]
    public void A_replayed_digest_response_is_refused()
    {
        var auth = Authenticator();
        var known = Enrolled(auth, "own-password-0123456789");
        var header = Digest(auth, Id, Id.ToString(), "own-password-0123456789");
        Assert.Equal(AuthVerdict.Accepted, auth.Authenticate(Id, known, Request(header)).Verdict);

        var replay = auth.Authenticate(Id, known, Request(header));

        Assert.Equal(AuthVerdict.Challenge, replay.Verdict);
        Assert.Contains("replayed", replay.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nonce_past_its_lifetime_on_the_clock_gets_a_stale_challenge_and_one_within_it_does_not()
    {
        _options.NonceLifetime = TimeSpan.FromMinutes(5);
        var auth = Authenticator();
        var known = Enrolled(auth, "own-password-0123456789");
        var challenge = DigestClient.PickChallenge(auth.Challenges(Id, stale: false))!;
        var client = new DigestClient(Id.ToString(), "own-password-0123456789");

        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(AuthVerdict.Accepted, auth.Authenticate(Id, known, Request(client.Authorize(challenge, "POST", "/"))).Verdict);

        _time.Advance(TimeSpan.FromMinutes(2));
        var late = auth.Authenticate(Id, known, Request(client.Authorize(challenge, "POST", "/")));

        Assert.Equal(AuthVerdict.Challenge, late.Verdict);
        Assert.True(late.Stale);
    }

    [Fact]
    public void A_nonce_issued_to_one_device_does_not_admit_another()
    {
        var auth = Authenticator();
        var challenge = DigestClient.PickChallenge(auth.Challenges(Other, stale: false))!;
        var header = new DigestClient(Bootstrap.Username, Bootstrap.Password).Authorize(challenge, "POST", "/");

        var decision = auth.Authenticate(Id, null, Request(header));

        Assert.Equal(AuthVerdict.Challenge, decision.Verdict);
    }

    [Fact]
    public void An_unreadable_authorization_header_is_challenged()
    {
        var auth = Authenticator();

        Assert.Equal(AuthVerdict.Challenge, auth.Authenticate(Id, null, Request("Digest \"unterminated")).Verdict);
        Assert.Equal(AuthVerdict.Challenge, auth.Authenticate(Id, null, Request("Bearer abc")).Verdict);
    }

    [Fact]
    public void Basic_is_refused_unless_allowed_and_never_over_plaintext()
    {
        var basic = Basic(Bootstrap.Username, Bootstrap.Password);

        var off = Authenticator().Authenticate(Id, null, Request(basic, tls: true));
        _options.AllowBasic = true;
        var plaintext = Authenticator().Authenticate(Id, null, Request(basic, tls: false));
        var tls = Authenticator().Authenticate(Id, null, Request(basic, tls: true));

        Assert.Equal(AuthVerdict.Challenge, off.Verdict);
        Assert.Equal(AuthVerdict.Challenge, plaintext.Verdict);
        Assert.Contains("plaintext", plaintext.Reason, StringComparison.Ordinal);
        Assert.Equal(AuthVerdict.Accepted, tls.Verdict);
        Assert.Equal(AuthMethods.Basic, tls.Method);
        Assert.True(tls.Enroll);
    }

    [Fact]
    public void Basic_over_tls_checks_an_enrolled_device_against_its_stored_credential()
    {
        _options.AllowBasic = true;
        var auth = Authenticator();
        var known = Enrolled(auth, "own-password-0123456789");

        var right = auth.Authenticate(Id, known, Request(Basic(Id.ToString(), "own-password-0123456789"), tls: true));
        var wrong = auth.Authenticate(Id, known, Request(Basic(Id.ToString(), "own-password-012345678"), tls: true));
        var bootstrap = auth.Authenticate(Id, known, Request(Basic(Bootstrap.Username, Bootstrap.Password), tls: true));

        Assert.Equal(AuthVerdict.Accepted, right.Verdict);
        Assert.Equal(AuthMethods.Basic, right.Method);
        Assert.Equal(AuthVerdict.Challenge, wrong.Verdict);
        Assert.Equal(AuthVerdict.Challenge, bootstrap.Verdict);
    }

    [Fact]
    public void A_client_certificate_admits_only_the_device_it_names_and_only_the_pinned_one()
    {
        var auth = Authenticator();
        using var mine = Certificate(Id.ToString());
        using var someone = Certificate(Other.ToString());
        using var replacement = Certificate(Id.ToString());
        var pinned = new Device { Id = Id, RegisteredAt = _time.GetUtcNow(), Credentials = new DeviceCredentials(null, null, null, false, Palisade.Acs.Identity.CertificateBinding.Of(mine)) };

        var accepted = auth.Authenticate(Id, pinned, Request(null, certificate: mine));
        var impostor = auth.Authenticate(Id, pinned, Request(null, certificate: someone));
        var unpinned = auth.Authenticate(Id, pinned, Request(null, certificate: replacement));
        var firstContact = auth.Authenticate(Id, null, Request(null, certificate: replacement));

        Assert.Equal(AuthVerdict.Accepted, accepted.Verdict);
        Assert.Equal(AuthMethods.ClientCertificate, accepted.Method);
        Assert.False(accepted.Enroll);
        Assert.Equal(AuthVerdict.Forbidden, impostor.Verdict);
        Assert.Equal(AuthVerdict.Forbidden, unpinned.Verdict);
        Assert.Equal(AuthVerdict.Accepted, firstContact.Verdict);
    }

    private DeviceAuthenticator Authenticator() => new(_options, _time);

    private Device Enrolled(DeviceAuthenticator auth, string password) =>
        new() { Id = Id, RegisteredAt = _time.GetUtcNow(), Credentials = auth.CredentialsFor(Id.ToString(), password) };

    private static string Digest(DeviceAuthenticator auth, DeviceId id, string user, string password, string algorithm = "SHA-256")
    {
        var challenge = auth.Challenges(id, stale: false).Single(c => c.Contains("algorithm=" + algorithm + ",", StringComparison.Ordinal));
        Assert.True(AuthParameters.TryParse(challenge, out var parsed));
        return new DigestClient(user, password).Authorize(parsed, "POST", "/");
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    private static CwmpHttpRequest Request(string? authorization, bool tls = false, X509Certificate2? certificate = null) =>
        new("POST", "/", null, authorization, ReadOnlyMemory<byte>.Empty,
            new ConnectionFacts(IPAddress.Parse("192.0.2.10"), 40000, tls || certificate is not null ? SslProtocols.Tls13 : SslProtocols.None, certificate));

    private X509Certificate2 Certificate(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        var now = _time.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }
}
