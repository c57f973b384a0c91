using Microsoft.Extensions.Time.Testing;
using Palisade.Security.Digest;

namespace Palisade.Security.Tests;

public sealed class DigestTests
{
    private const string Realm = "palisade";
    private const string Device = "00D09E-HGW-SN1";
    private static readonly byte[] Key = new byte[32];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    // RFC 7616 §3.9.1: the worked example, for both algorithms.
    [Theory]
    [InlineData(DigestAlgorithm.Md5, "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData(DigestAlgorithm.Sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Response_matches_the_RFC_7616_example(DigestAlgorithm algorithm, string expected)
    {
        var ha1 = DigestMath.Ha1(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life");
        var response = DigestMath.Response(algorithm, ha1, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "GET", "/dir/index.html");
        Assert.Equal(expected, response);
    }

    [Fact]
    public void Client_answer_to_a_challenge_is_accepted_once()
    {
        var (server, _) = Server();
        var challenge = DigestClient.PickChallenge(server.Challenges(Device, stale: false))!;
        Assert.Equal("SHA-256", challenge["algorithm"]);

        var client = new DigestClient("cpe", "secret");
        var header = client.Authorize(challenge, "POST", "/");
        Assert.Equal(DigestOutcome.Accepted, Verify(server, header, Device).Outcome);

        // The very same header again is a replay.
        Assert.Equal(DigestOutcome.Replayed, Verify(server, header, Device).Outcome);

        // The client's next request counts up and is accepted.
        Assert.Equal(DigestOutcome.Accepted, Verify(server, client.Authorize(challenge, "POST", "/"), Device).Outcome);
    }

    [Fact]
    public void Wrong_password_is_rejected()
    {
        var (server, _) = Server();
        var challenge = DigestClient.PickChallenge(server.Challenges(Device, false))!;
        var header = new DigestClient("cpe", "guess").Authorize(challenge, "POST", "/");
        Assert.Equal(DigestOutcome.Rejected, Verify(server, header, Device).Outcome);
    }

    [Fact]
    public void A_nonce_issued_to_one_device_is_useless_to_another()
    {
        var (server, _) = Server();
        var challenge = DigestClient.PickChallenge(server.Challenges(Device, false))!;
        var header = new DigestClient("cpe", "secret").Authorize(challenge, "POST", "/");
        Assert.Equal(DigestOutcome.Rejected, Verify(server, header, "00D09E-HGW-SN2").Outcome);
    }

    [Fact]
    public void An_expired_nonce_is_stale_and_a_forged_one_rejected()
    {
        var (server, _) = Server();
        var challenge = DigestClient.PickChallenge(server.Challenges(Device, false))!;
        var header = new DigestClient("cpe", "secret").Authorize(challenge, "POST", "/");
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(DigestOutcome.Stale, Verify(server, header, Device).Outcome);

        var forged = header.Replace(challenge["nonce"]!, new string('A', 48), StringComparison.Ordinal);
        Assert.Equal(DigestOutcome.Rejected, Verify(server, forged, Device).Outcome);
    }

    [Theory]
    [InlineData("Digest username=\"cpe\", realm=\"palisade\", nonce=\"x\", uri=\"/\", response=\"00\"")] // RFC 2069: no qop, replayable
    [InlineData("Digest username=\"cpe\", realm=\"palisade\", nonce=\"x\", uri=\"/\", response=\"00\", qop=auth, nc=1, cnonce=\"c\"")]
    [InlineData("Digest username=\"cpe\", realm=\"palisade\", nonce=\"x\", uri=\"/\", response=\"00\", qop=auth, nc=00000001, cnonce=\"c\", algorithm=MD5-sess")]
    public void Responses_the_server_cannot_safely_check_are_malformed(string header)
    {
        var (server, _) = Server();
        Assert.Equal(DigestOutcome.Malformed, Verify(server, header, Device).Outcome);
    }

    [Fact]
    public void The_uri_must_be_the_request_target()
    {
        var (server, _) = Server();
        var challenge = DigestClient.PickChallenge(server.Challenges(Device, false))!;
        var header = new DigestClient("cpe", "secret").Authorize(challenge, "POST", "/other");
        Assert.Equal(DigestOutcome.Rejected, Verify(server, header, Device).Outcome);

        var absolute = new DigestClient("cpe", "secret").Authorize(challenge, "POST", "https://acs.example:7547/");
        Assert.Equal(DigestOutcome.Accepted, Verify(server, absolute, Device).Outcome);
    }

    [Fact]
    public void Md5_clients_are_served_from_the_md5_challenge()
    {
        var (server, _) = Server();
        var md5 = server.Challenges(Device, false).Single(c => c.Contains("algorithm=MD5", StringComparison.Ordinal));
        Assert.True(AuthParameters.TryParse(md5, out var challenge));
        var header = new DigestClient("cpe", "secret").Authorize(challenge, "POST", "/");
        var result = Verify(server, header, Device);
        Assert.Equal(DigestOutcome.Accepted, result.Outcome);
        Assert.Equal(DigestAlgorithm.Md5, result.Algorithm);
    }

    [Fact]
    public void With_sha256_only_md5_is_neither_offered_nor_accepted()
    {
        var (open, _) = Server();
        var md5 = open.Challenges(Device, false).Single(c => c.Contains("algorithm=MD5", StringComparison.Ordinal));
        Assert.True(AuthParameters.TryParse(md5, out var md5Challenge));

        var strict = new DigestAuthenticator(Realm, new NonceService(Key, _time, TimeSpan.FromMinutes(5)), new ReplayGuard(_time)) { Sha256Only = true };
        var offered = Assert.Single(strict.Challenges(Device, false));
        Assert.Contains("algorithm=SHA-256", offered, StringComparison.Ordinal);

        // The right password over MD5 (a nonce from the same key) is refused; over SHA-256 it is accepted.
        Assert.Equal(DigestOutcome.Rejected, Verify(strict, new DigestClient("cpe", "secret").Authorize(md5Challenge, "POST", "/"), Device).Outcome);
        Assert.True(AuthParameters.TryParse(offered, out var sha));
        Assert.Equal(DigestOutcome.Accepted, Verify(strict, new DigestClient("cpe", "secret").Authorize(sha, "POST", "/"), Device).Outcome);
    }

    [Fact]
    public void The_replay_guard_is_bounded_and_forgets_expired_nonces()
    {
        var guard = new ReplayGuard(_time, capacity: 2);
        var expires = _time.GetUtcNow().AddMinutes(5);
        Assert.True(guard.TryUse("a", 1, expires));
        Assert.True(guard.TryUse("b", 1, expires));
        Assert.False(guard.TryUse("c", 1, expires));
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.True(guard.TryUse("c", 1, _time.GetUtcNow().AddMinutes(5)));
        Assert.Equal(1, guard.Count);
    }

    [Theory]
    [InlineData("Digest username=\"a\", username=\"b\"")]
    [InlineData("Digest username=\"unterminated")]
    [InlineData("Digest =x")]
    [InlineData("")]
    public void Hostile_headers_do_not_parse(string header) => Assert.False(AuthParameters.TryParse(header, out _));

    // The MAC input is built on the stack for short bindings and in a pooled buffer for long ones; both must bind.
    [Theory]
    [InlineData(20)]
    [InlineData(600)]
    public void Nonces_bind_to_short_and_long_bindings_and_use_the_url_alphabet_only(int length)
    {
        var nonces = new NonceService(Key, _time, TimeSpan.FromMinutes(5));
        var binding = new string('d', length - 1) + "é";
        // A nonce with a URL-alphabet character ('-' or '_'), so that the standard-alphabet spelling differs; about
        // one nonce in five has none, so a few are issued.
        var nonce = Enumerable.Range(0, 200).Select(_ => nonces.Issue(binding)).First(n => n.AsSpan().ContainsAny('-', '_'));

        Assert.Equal(48, nonce.Length);
        Assert.Equal(NonceCheck.Valid, nonces.Check(nonce, binding));
        Assert.Equal(NonceCheck.Invalid, nonces.Check(nonce, binding[..^1] + "e"));
        Assert.Equal(NonceCheck.Invalid, nonces.Check(nonce.Replace('-', '+').Replace('_', '/'), binding));
    }

    // The nonce comes back in a hostile header: any 48 characters that are not the issued spelling are invalid, and
    // checking them never throws (the decoder's "Try" form throws on characters outside the alphabet).
    [Theory]
    [InlineData('!')]
    [InlineData(' ')]
    [InlineData('.')]
    [InlineData('\u00e9')]
    public void A_nonce_with_a_character_outside_the_url_alphabet_is_invalid_and_does_not_throw(char bad)
    {
        var nonces = new NonceService(Key, _time, TimeSpan.FromMinutes(5));
        var nonce = nonces.Issue(Device);
        var spoiled = nonce[..20] + bad + nonce[21..];
        Assert.Equal(NonceCheck.Invalid, nonces.Check(spoiled, Device));
        Assert.Equal(DateTimeOffset.MinValue, nonces.ExpiresAt(spoiled));
        Assert.Equal(NonceCheck.Valid, nonces.Check(nonce, Device));
    }

    [Fact]
    public void Oversize_headers_do_not_parse() =>
        Assert.False(AuthParameters.TryParse("Digest username=\"" + new string('a', 5000) + "\"", out _));

    [Fact]
    public void Quoted_values_unescape()
    {
        Assert.True(AuthParameters.TryParse("Digest realm=\"a\\\"b\", nonce=abc/def=", out var p));
        Assert.Equal("a\"b", p["realm"]);
        Assert.Equal("abc/def=", p["nonce"]);
    }

    // Values with and without escapes take different paths through the parser; both must give back what Quote wrote,
    // and a parameter after the quoted one must still be found.
    [Theory]
    [InlineData("")]
    [InlineData("plain value")]
    [InlineData("back\\slash")]
    [InlineData("\"")]
    [InlineData("a\"b\\c\\")]
    [InlineData("/cwmp?x=1, y=\"2\"")]
    public void Quoted_values_round_trip(string value)
    {
        Assert.True(AuthParameters.TryParse("Digest realm=" + AuthParameters.Quote(value) + ", nonce=n1", out var p));
        Assert.Equal(value, p["realm"]);
        Assert.Equal("n1", p["nonce"]);
    }

    [Theory]
    [InlineData("Digest realm=\"a\\\"")]
    [InlineData("Digest realm=\"a\\")]
    [InlineData("Digest realm=\"")]
    public void Unterminated_quoted_values_do_not_parse(string header) => Assert.False(AuthParameters.TryParse(header, out _));

    [Fact]
    public void Basic_credentials_round_trip_and_reject_garbage()
    {
        Assert.True(BasicCredentials.TryParse(BasicCredentials.Header("user", "p:ss"), out var user, out var password));
        Assert.Equal(("user", "p:ss"), (user, password));
        Assert.False(BasicCredentials.TryParse("Basic !!!", out _, out _));
        Assert.False(BasicCredentials.TryParse("Basic " + Convert.ToBase64String("nocolon"u8.ToArray()), out _, out _));
    }

    private (DigestAuthenticator Server, ReplayGuard Guard) Server()
    {
        var guard = new ReplayGuard(_time);
        return (new DigestAuthenticator(Realm, new NonceService(Key, _time, TimeSpan.FromMinutes(5)), guard), guard);
    }

    private static DigestResult Verify(DigestAuthenticator server, string header, string binding)
    {
        Assert.True(AuthParameters.TryParse(header, out var credentials));
        return server.Verify(credentials, "POST", "/", binding, (user, algorithm) =>
            user == "cpe" ? DigestMath.Ha1(algorithm, "cpe", Realm, "secret") : null);
    }
}
