using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Palisade.Cwmp;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>Attacks on the running server: each gets its exact refusal and the store stays as it was.</summary>
public sealed class AdversarialTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_slow_client_is_cut_off_on_the_cwmp_and_api_ports()
    {
        // Each port's header timeout (15 s unless set) is set to 5 s here, well apart from Kestrel's own default (30 s):
        // a listener that lost its setting keeps the client 30 s at least, and fails the 25 s bound below, which leaves
        // a loaded machine 20 s (Kestrel looks at its timeouts once a second) to cut off a client it should drop at 5 s.
        await _server.RestartAsync(o => o.Cwmp.Http.RequestHeadersTimeout = o.Api.Limits.Http.RequestHeadersTimeout = TimeSpan.FromSeconds(5));
        var cwmp = SlowlorisAsync(_server.Url);
        var api = SlowlorisAsync(new Uri(_server.Host.Facts.ApiUrl!));
        var (cwmpClosed, apiClosed) = (await cwmp, await api);
        Assert.True(cwmpClosed < TimeSpan.FromSeconds(25), $"CWMP port kept a slow client for {cwmpClosed}");
        Assert.True(apiClosed < TimeSpan.FromSeconds(25), $"API port kept a slow client for {apiClosed}");
        Assert.Equal(0, await _server.Host.Store.CountDevicesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Invalid_utf8_and_entity_expansion_get_400_and_store_nothing()
    {
        var inform = CwmpWriter.ToBytes(CwmpEnvelope.For(CwmpVersion.V1_2, "1", TestCpe.BuildInform("ADV1", "0 BOOTSTRAP")));
        var text = Encoding.UTF8.GetString(inform);
        var broken = Encoding.UTF8.GetBytes(text.Replace("ADV1", "ADV\u00FF1", StringComparison.Ordinal));
        var at = Array.IndexOf(broken, (byte)0xC3);
        broken[at] = 0xFF; // not UTF-8 at all

        var laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
            + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>" + text[(text.IndexOf("?>", StringComparison.Ordinal) + 2)..].Replace("ADV1", "&lol3;", StringComparison.Ordinal);

        using var http = Http();
        foreach (var body in new[] { broken, Encoding.UTF8.GetBytes(laughs) })
        {
            using var response = await http.PostAsync(_server.Url, new ByteArrayContent(body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(0, await _server.Host.Store.CountDevicesAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("algorithm=MD5-sess, qop=auth, nc=00000001, cnonce=\"c\"")] // an algorithm the server does not offer
    [InlineData("algorithm=MD5")] // RFC 2069: no qop, no nonce count, replayable
    public async Task Digest_downgrades_are_refused(string tail)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await AnswerChallengeAsync("ADV2", Palisade.Security.Digest.DigestAlgorithm.Md5, nonce => nonce, tail));
        Assert.Equal(0, await _server.Host.Store.CountDevicesAsync(CancellationToken.None));
    }

    // A nonce is read from a hostile header: one character outside the URL alphabet is a refusal (401), never an
    // exception behind a 500.
    [Theory]
    [InlineData('!')]
    [InlineData('.')]
    public async Task A_digest_nonce_outside_the_url_alphabet_is_refused_with_401(char bad)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await AnswerChallengeAsync("ADV3", Palisade.Security.Digest.DigestAlgorithm.Sha256,
            nonce => nonce[..20] + bad + nonce[21..], "algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"c\""));
        Assert.Equal(0, await _server.Host.Store.CountDevicesAsync(CancellationToken.None));
    }

    // A bootstrap Inform gets the server's challenge; the answer, with the bootstrap credentials, goes back over the
    // nonce as <paramref name="spell"/> spells it and with <paramref name="tail"/> as its last parameters.
    private async Task<HttpStatusCode> AnswerChallengeAsync(string serial, Palisade.Security.Digest.DigestAlgorithm algorithm, Func<string, string> spell, string tail)
    {
        var bootstrap = _server.Host.Facts.Bootstrap!;
        using var http = Http();
        var inform = CwmpWriter.ToBytes(CwmpEnvelope.For(CwmpVersion.V1_2, "1", TestCpe.BuildInform(serial, "0 BOOTSTRAP")));
        using var first = await http.PostAsync(_server.Url, new ByteArrayContent(inform));
        var nonce = spell(first.Headers.WwwAuthenticate.First().Parameter!.Split("nonce=\"")[1].Split('"')[0]);
        var ha1 = Palisade.Security.Digest.DigestMath.Ha1(algorithm, bootstrap.Username, "palisade", bootstrap.Password);
        var response = Palisade.Security.Digest.DigestMath.Response(algorithm, ha1, nonce, "00000001", "c", "POST", "/");
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.Url) { Content = new ByteArrayContent(inform) };
        request.Headers.TryAddWithoutValidation("Authorization", $"Digest username=\"{bootstrap.Username}\", realm=\"palisade\", nonce=\"{nonce}\", uri=\"/\", response=\"{response}\", {tail}");
        using var answered = await http.SendAsync(request);
        return answered.StatusCode;
    }

    // Opens a TLS connection, starts a request and then trickles header bytes; returns how long until the server hangs up.
    private async Task<TimeSpan> SlowlorisAsync(Uri url)
    {
        var started = DateTime.UtcNow;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(url.Host);
        await ssl.WriteAsync(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: x\r\n"));
        try
        {
            for (var i = 0; i < 40; i++)
            {
                await ssl.WriteAsync("X"u8.ToArray());
                await ssl.FlushAsync();
                // A real wait: Kestrel's header timeout on a real socket runs on the real clock.
                await Task.Delay(1000);
                if (tcp.Client.Poll(0, SelectMode.SelectRead) && tcp.Client.Available == 0)
                {
                    return DateTime.UtcNow - started;
                }
            }
        }
        catch (IOException)
        {
            return DateTime.UtcNow - started;
        }

        return TimeSpan.MaxValue;
    }

    private HttpClient Http()
    {
        var anchors = _server.Host.Facts.ClientCertificateAnchors;
        return new HttpClient(new SocketsHttpHandler
        {
            SslOptions = Palisade.Security.Pki.Certificates.ServerAuthentication(anchors, insecure: false),
        });
    }
}
