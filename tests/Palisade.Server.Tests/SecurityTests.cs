using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Devices;
using Palisade.Cwmp;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Security.Digest;
using Palisade.Security.Pki;

using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>What the ACS refuses, over the real HTTPS endpoint.</summary>
public sealed class SecurityTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_session_that_does_not_start_with_an_inform_is_refused_and_nothing_is_stored()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN1");
        var reply = await cpe.SendAsync(CwmpEnvelope.For(CwmpVersion.V1_4, "1", new GetRPCMethodsRequest()));
        Assert.Equal(400, reply.StatusCode);
        Assert.Contains("must start with an Inform", reply.Text, StringComparison.Ordinal);
        Assert.Equal(400, (await cpe.EmptyPostAsync()).StatusCode);
        Assert.Equal(0, await _server.Host.Store.CountDevicesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_inform_without_credentials_gets_digest_challenges_and_is_not_stored()
    {
        using var http = Http(out _);
        using var response = await http.PostAsync(_server.Url, Soap(InformBytes("SN2")));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenges = response.Headers.WwwAuthenticate.Select(h => h.ToString()).ToList();
        Assert.Contains(challenges, c => c.Contains("algorithm=SHA-256", StringComparison.Ordinal) && c.Contains("qop=\"auth\"", StringComparison.Ordinal));
        Assert.Contains(challenges, c => c.Contains("algorithm=MD5", StringComparison.Ordinal));
        Assert.False(response.Headers.Contains("Server"));
        Assert.Equal(0, await _server.Host.Store.CountDevicesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        using var cpe = new TestCpe(_server, "SN3", _server.Host.Facts.Bootstrap!.Username, "not-the-password");
        var reply = await cpe.SendInformAsync(CwmpVersion.V1_4, "0 BOOTSTRAP");
        Assert.Equal(401, reply.StatusCode);
        Assert.Contains("wrong digest credentials", _server.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", _server.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replayed_digest_response_is_refused()
    {
        var bootstrap = _server.Host.Facts.Bootstrap!;
        using var http = Http(out _);
        var body = InformBytes("SN4");
        using var first = await http.PostAsync(_server.Url, Soap(body));
        var challenge = DigestClient.PickChallenge(first.Headers.WwwAuthenticate.Select(h => h.ToString()))!;
        var authorization = new DigestClient(bootstrap.Username, bootstrap.Password).Authorize(challenge, "POST", "/");

        using var accepted = await Post(http, body, authorization);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await _server.Host.Engine.SweepExpiredAsync(CancellationToken.None);

        // The captured header, sent again from a fresh client (an eavesdropper's replay).
        using var attacker = Http(out _);
        using var replayed = await Post(attacker, body, authorization);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Contains("replayed digest response", _server.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_nonce_is_answered_with_a_stale_challenge()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time: time);
        var bootstrap = server.Host.Facts.Bootstrap!;
        using var http = Http(out _, server);
        var body = InformBytes("SN5");
        using var first = await http.PostAsync(server.Url, Soap(body));
        var challenge = DigestClient.PickChallenge(first.Headers.WwwAuthenticate.Select(h => h.ToString()))!;
        time.Advance(TimeSpan.FromMinutes(10));
        using var late = await Post(http, body, new DigestClient(bootstrap.Username, bootstrap.Password).Authorize(challenge, "POST", "/"), server);
        Assert.Equal(HttpStatusCode.Unauthorized, late.StatusCode);
        Assert.Contains(late.Headers.WwwAuthenticate, h => h.ToString().Contains("stale=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_bootstrap_credential_no_longer_admits_an_enrolled_device()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN6");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
        using var reuse = TestCpe.Bootstrap(_server, "SN6");
        Assert.Equal(401, (await reuse.SendInformAsync(CwmpVersion.V1_4, "0 BOOTSTRAP")).StatusCode);
        Assert.Contains("bootstrap credential used by an enrolled device", _server.Logs.All, StringComparison.Ordinal);

        // Another, new device still enrolls with it.
        using var other = TestCpe.Bootstrap(_server, "SN7");
        await other.RunSessionAsync(null, "0 BOOTSTRAP");
    }

    [Fact]
    public async Task A_client_certificate_identifies_its_own_device_and_no_other()
    {
        using var ca = _server.OpenCa();
        using var certificate = ca.IssueClient(new DeviceId("00D09E", "HGW", "SN8").ToString(), TimeSpan.FromDays(30));

        using var own = new TestCpe(_server, "SN8", null, null, certificate);
        await own.RunSessionAsync(null, "0 BOOTSTRAP");
        Assert.True(DeviceId.TryParse(own.DeviceId, out var id));
        Assert.Equal(AuthMethods.ClientCertificate, (await _server.Host.Store.GetDeviceAsync(id, CancellationToken.None))!.AuthMethod);

        using var impostor = new TestCpe(_server, "SN9", null, null, certificate);
        var reply = await impostor.SendInformAsync(CwmpVersion.V1_4, "0 BOOTSTRAP");
        Assert.Equal(403, reply.StatusCode);
        Assert.False(DeviceId.TryParse(impostor.DeviceId, out var other) && await _server.Host.Store.GetDeviceAsync(other, CancellationToken.None) is not null);
    }

    [Fact]
    public async Task A_certificate_from_palisades_ca_without_the_client_usage_fails_the_handshake()
    {
        // Issued by the right CA for the right name, but for server authentication: not a device's certificate.
        // .NET's HTTP client would not even offer it, so a raw TLS client does, as a hostile or broken CPE may.
        using var ca = _server.OpenCa();
        var name = new DeviceId("00D09E", "HGW", "SN12").ToString();
        using var serverUsage = ca.IssueServer([name], TimeSpan.FromDays(30));
        using var clientUsage = ca.IssueClient(name, TimeSpan.FromDays(30));

        Assert.StartsWith("HTTP/1.1 ", await PostOverTlsAsync(clientUsage));
        Assert.Null(await PostOverTlsAsync(serverUsage));
    }

    // An empty POST over TLS presenting exactly this certificate: the response's first line, or null when the
    // handshake or the connection fails.
    private async Task<string?> PostOverTlsAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_server.Url.Host, _server.Url.Port);
        using var tls = new System.Net.Security.SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ClientCertificateContext = System.Net.Security.SslStreamCertificateContext.Create(certificate, null, offline: true),
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });
            await tls.WriteAsync("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
            var buffer = new byte[256];
            var read = await tls.ReadAsync(buffer);
            return read == 0 ? null : System.Text.Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            return null;
        }
    }

    [Fact]
    public async Task A_client_certificate_from_a_foreign_ca_fails_the_handshake()
    {
        using var foreign = CertificateAuthority.Create("not palisade");
        using var certificate = foreign.IssueClient(new DeviceId("00D09E", "HGW", "SN10").ToString(), TimeSpan.FromDays(30));
        using var cpe = new TestCpe(_server, "SN10", null, null, certificate);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => cpe.SendInformAsync());
    }

    [Fact]
    public async Task Plain_http_is_not_served_without_the_flag()
    {
        var plain = new UriBuilder(_server.Url) { Scheme = "http" }.Uri;
        using var http = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.PostAsync(plain, Soap(InformBytes("SN11"))));
    }

    [Fact]
    public async Task With_insecure_http_plaintext_works_and_the_device_is_recorded_as_plaintext()
    {
        await using var server = await TestServer.StartAsync(o => o.InsecureHttp = true);
        Assert.Equal("http", server.Url.Scheme);
        Assert.Contains("--insecure-http", server.Logs.All, StringComparison.Ordinal);
        using var cpe = TestCpe.Bootstrap(server, "SN12");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
        Assert.True(DeviceId.TryParse(cpe.DeviceId, out var id));
        Assert.Equal("http", (await server.Host.Store.GetDeviceAsync(id, CancellationToken.None))!.Transport);
    }

    [Fact]
    public async Task Basic_is_refused_unless_allowed_and_then_only_over_tls()
    {
        var bootstrap = _server.Host.Facts.Bootstrap!;
        using var http = Http(out _);
        using var refused = await Post(http, InformBytes("SN13"), BasicCredentials.Header(bootstrap.Username, bootstrap.Password));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        await using var allowing = await TestServer.StartAsync(o => o.Authentication.AllowBasic = true);
        var b = allowing.Host.Facts.Bootstrap!;
        using var http2 = Http(out _, allowing);
        using var accepted = await Post(http2, InformBytes("SN13"), BasicCredentials.Header(b.Username, b.Password), allowing);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task A_second_session_for_the_same_device_gets_503_without_disturbing_the_first()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN14");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
        using var first = new TestCpe(_server, "SN14", cpe.Username, cpe.Password);
        using var second = new TestCpe(_server, "SN14", cpe.Username, cpe.Password);
        Assert.Equal(200, (await first.SendInformAsync()).StatusCode);

        var refused = await second.SendInformAsync();
        Assert.Equal(503, refused.StatusCode);
        Assert.NotNull(refused.RetryAfter);
        Assert.InRange(refused.RetryAfter!.Value.TotalSeconds, 10, 30);

        Assert.Equal(204, (await first.EmptyPostAsync()).StatusCode);
        first.EndSession();
        Assert.Equal(200, (await second.SendInformAsync()).StatusCode);
    }

    [Fact]
    public async Task Above_the_in_flight_limit_new_sessions_are_shed_with_retry_after()
    {
        await using var server = await TestServer.StartAsync(o => o.Sessions.MaxSessionsInFlight = 1);
        using var enrolled = TestCpe.Bootstrap(server, "SN14");
        await enrolled.RunSessionAsync(null, "0 BOOTSTRAP");
        using var a = TestCpe.Bootstrap(server, "SN15");
        using var b = TestCpe.Bootstrap(server, "SN16");

        // Enrolled devices and devices on the bootstrap credential have separate pools (one slot each here): fill both.
        Assert.Equal(200, (await enrolled.SendInformAsync(CwmpVersion.V1_4, "2 PERIODIC")).StatusCode);
        Assert.Equal(200, (await a.SendInformAsync(CwmpVersion.V1_4, "0 BOOTSTRAP")).StatusCode);
        var shed = await b.SendInformAsync(CwmpVersion.V1_4, "0 BOOTSTRAP");
        Assert.Equal(503, shed.StatusCode);
        Assert.NotNull(shed.RetryAfter);
        Assert.Equal(1, server.Host.Engine.Counters.Shed.Value);

        // Shed before the Digest round trip: a first, unauthenticated request gets the 503 (not a 401 challenge).
        using var http = Http(out _, server);
        using var raw = await http.PostAsync(server.Url, Soap(InformBytes("SN17")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, raw.StatusCode);
        Assert.NotNull(raw.Headers.RetryAfter);
        Assert.Null(await server.Host.Store.GetDeviceAsync(new Palisade.Acs.Devices.DeviceId("00D09E", "HGW", "SN17"), CancellationToken.None));
    }

    [Fact]
    public async Task Oversize_bodies_are_refused_with_413_also_when_gzip_hides_the_size()
    {
        using var http = Http(out _);
        // Expect: 100-continue lets the server refuse on the declared length before the body is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.Url) { Content = Soap(new byte[5 * 1024 * 1024]) };
        request.Headers.ExpectContinue = true;
        using var huge = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(new byte[64 * 1024 * 1024]);
        }

        var bomb = new ByteArrayContent(compressed.ToArray());
        bomb.Headers.ContentEncoding.Add("gzip");
        using var fresh = Http(out _);
        using var exploded = await fresh.PostAsync(_server.Url, bomb);
        Assert.True(exploded.StatusCode == HttpStatusCode.RequestEntityTooLarge, await exploded.Content.ReadAsStringAsync());
    }

    // A gzip body's size is unknown until it is read: the buffer starts at 16 KB and grows. An Inform of 200 KB
    // (padded with a comment) must come through whole: it is parsed, so the answer is the Digest challenge, not a 400.
    [Fact]
    public async Task A_gzip_encoded_inform_larger_than_the_first_buffer_is_read_whole()
    {
        var inform = Encoding.UTF8.GetString(InformBytes("SN18"));
        var padded = inform.Insert(inform.IndexOf("?>", StringComparison.Ordinal) + 2, "<!--" + new string('x', 200 * 1024) + "-->");
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(padded));
        }

        var body = Soap(compressed.ToArray());
        body.Headers.ContentEncoding.Add("gzip");
        using var http = Http(out _);
        using var response = await http.PostAsync(_server.Url, body);
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task A_gzip_encoded_inform_is_accepted()
    {
        var options = new Palisade.Cpe.Transport.AcsClientOptions { AcsUrl = _server.Url, GzipAbove = 1, Username = _server.Host.Facts.Bootstrap!.Username, Password = _server.Host.Facts.Bootstrap.Password };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        using var client = new Palisade.Cpe.Transport.AcsClient(options);
        using var cpe = new TestCpe(_server, "SN17", null, null);
        var reply = await client.SendAsync(CwmpEnvelope.For(CwmpVersion.V1_2, "1", cpe.Inform("0 BOOTSTRAP")), CancellationToken.None);
        Assert.Equal(200, reply.StatusCode);
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")]
    [InlineData("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>")]
    [InlineData("not xml at all")]
    public async Task Malformed_and_hostile_bodies_get_400_and_store_nothing(string body)
    {
        using var http = Http(out _);
        using var response = await http.PostAsync(_server.Url, Soap(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", text, StringComparison.Ordinal);
        Assert.Equal(0, await _server.Host.Store.CountDevicesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_cpe_that_disappears_mid_session_leaves_its_tasks_queued_and_the_device_free_after_the_timeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(o => o.Sessions.SessionTimeout = TimeSpan.FromSeconds(30), time: time);
        using var cpe = TestCpe.Bootstrap(server, "SN18");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
        Assert.True(DeviceId.TryParse(cpe.DeviceId, out var id));
        var task = await server.Host.Store.AddTaskAsync(id, new Acs.Storage.NewTask("reboot", """{"name":"reboot"}""", DateTimeOffset.UtcNow, null), CancellationToken.None);

        using var vanishing = new TestCpe(server, "SN18", cpe.Username, cpe.Password);
        Assert.Equal(200, (await vanishing.SendInformAsync()).StatusCode);
        var rpc = await vanishing.EmptyPostAsync();
        Assert.IsType<RebootRequest>(rpc.Envelope!.Body);

        // ... and the CPE is gone. After the timeout (on the fake clock) a sweep closes the session: this one, or the
        // host's own sweeper, which runs every real second.
        time.Advance(TimeSpan.FromSeconds(31));
        await server.Host.Engine.SweepExpiredAsync(CancellationToken.None);

        Assert.Equal(0, server.Host.Engine.OpenSessions);
        Assert.Equal(Acs.Storage.DeviceTaskStatus.Queued, (await server.Host.Store.GetTaskAsync(task.Id, CancellationToken.None))!.Status);

        using var back = new TestCpe(server, "SN18", cpe.Username, cpe.Password);
        var seen = await back.RunSessionAsync();
        Assert.IsType<RebootRequest>(Assert.Single(seen));
        Assert.Equal(Acs.Storage.DeviceTaskStatus.Done, (await server.Host.Store.GetTaskAsync(task.Id, CancellationToken.None))!.Status);
        Assert.Contains("outcome=timeout", server.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_answers_nothing_ends_the_session_with_400()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN19");
        Assert.Equal(200, (await cpe.SendInformAsync(CwmpVersion.V1_4, "0 BOOTSTRAP")).StatusCode);
        var reply = await cpe.SendAsync(CwmpEnvelope.For(CwmpVersion.V1_4, "x", new RebootResponse()));
        Assert.Equal(400, reply.StatusCode);
    }

    [Fact]
    public async Task A_forged_or_foreign_session_cookie_opens_nothing_and_does_not_disturb_the_real_session()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN20");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
        using var owner = new TestCpe(_server, "SN20", cpe.Username, cpe.Password);
        Assert.Equal(200, (await owner.SendInformAsync()).StatusCode);

        using var http = Http(out var cookies);
        cookies.Add(_server.Url, new Cookie("palisade-session", new string('a', 32)));
        using var forged = await http.PostAsync(_server.Url, new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        // The real session carries on.
        Assert.Equal(204, (await owner.EmptyPostAsync()).StatusCode);
    }

    [Theory]
    [InlineData("..%2F..%2Fetc%2Fpasswd", HttpStatusCode.NotFound)]
    [InlineData("%2E%2E%2F%2E%2E%2Fpalisade.db", HttpStatusCode.NotFound)]
    [InlineData("00D09E-HGW-SN1%00.json", HttpStatusCode.BadRequest)] // Kestrel refuses a NUL in the path outright.
    public async Task Path_traversal_in_a_device_id_is_just_an_unknown_device(string id, HttpStatusCode expected)
    {
        var (token, record) = Palisade.Acs.Access.ApiKeys.Create("t", "admin", null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await _server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        using var http = Http(out _);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Host.Facts.ApiUrl + "/api/v1/devices/" + id));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("root:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite", text, StringComparison.Ordinal);
    }

    private static ByteArrayContent Soap(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/xml");
        return content;
    }

    private static byte[] InformBytes(string serial) =>
        CwmpWriter.ToBytes(CwmpEnvelope.For(CwmpVersion.V1_2, "1", TestCpe.BuildInform(serial, "0 BOOTSTRAP")));

    private HttpClient Http(out CookieContainer cookies, TestServer? server = null)
    {
        server ??= _server;
        cookies = new CookieContainer();
        var anchors = server.Host.Facts.ClientCertificateAnchors;
        var handler = new SocketsHttpHandler
        {
            CookieContainer = cookies,
            SslOptions = Certificates.ServerAuthentication(anchors, insecure: false),
        };
        return new HttpClient(handler);
    }

    private Task<HttpResponseMessage> Post(HttpClient http, byte[] body, string authorization, TestServer? server = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, (server ?? _server).Url) { Content = Soap(body) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return http.SendAsync(request);
    }
}
