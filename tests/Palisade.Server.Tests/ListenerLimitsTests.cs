using System.Net;
using System.Text;
using Palisade.Acs.Access;
using Palisade.Cwmp;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using Palisade.Security.Pki;
using Palisade.Server.Listeners;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>Every bound of every listener is one named, validated, configurable setting that the running server obeys.</summary>
public sealed class ListenerLimitsTests
{
    [Fact]
    public void Every_limit_is_checked_at_start_and_named_when_out_of_range()
    {
        new ServerOptions().Validate();
        foreach (var setting in LimitSettings.All)
        {
            var options = new ServerOptions();
            var error = Record.Exception(() =>
            {
                LimitSettings.Set(options, setting.Name, 1_000_000_000_000);
                options.Validate();
            });
            var refused = Assert.IsAssignableFrom<ArgumentException>(error);
            Assert.Contains(setting.Name, refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_limit_is_set_by_its_name_in_any_case_and_an_unknown_name_is_refused()
    {
        var options = new ServerOptions();
        LimitSettings.Set(options, "API.maxPageSize", 50);
        LimitSettings.Set(options, "cwmp.keepAliveSeconds", 20);
        Assert.Equal(50, options.Api.Limits.MaxPageSize);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Cwmp.Http.KeepAliveTimeout);
        var error = Assert.Throws<ArgumentException>(() => LimitSettings.Set(options, "cwmp.maxBodySize", 1));
        Assert.Contains("cwmp.maxBodySize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lowered_cwmp_body_bound_is_the_one_the_running_server_enforces()
    {
        await using var server = await TestServer.StartAsync(o => o.Cwmp.Codec.MaxBodyBytes = 16 * 1024);
        using var http = Client(server);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(new string(' ', 20 * 1024)));
        using var response = await http.PostAsync(server.Url, content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task An_answer_over_the_body_bound_ends_the_session_so_the_device_can_start_again_at_once()
    {
        await using var server = await TestServer.StartAsync(o => o.Cwmp.Codec.MaxBodyBytes = 16 * 1024);
        using var cpe = TestCpe.Bootstrap(server, "BIG0001");
        await cpe.RunSessionAsync();
        Assert.Equal(200, (await cpe.SendInformAsync()).StatusCode);

        var answer = new GetParameterValuesResponse([.. Enumerable.Range(0, 200).Select(i => new ParameterValueStruct($"Device.Test.{i}.Name", ParameterValue.String(new string('v', 40))))]);
        var refused = await cpe.SendAsync(CwmpEnvelope.For(CwmpVersion.V1_4, "big", answer));
        Assert.Equal(413, refused.StatusCode);

        // Without the session ended, a new Inform got 503 until the session timed out.
        cpe.EndSession();
        Assert.Equal(200, (await cpe.SendInformAsync()).StatusCode);
    }

    [Fact]
    public async Task A_mebibyte_element_name_is_clipped_in_the_answer_and_in_the_log()
    {
        await using var server = await TestServer.StartAsync();
        using var http = Client(server);
        var name = new string('a', 1024 * 1024);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"<{name}/>"));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/xml");
        using var response = await http.PostAsync(server.Url, content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.InRange(text.Length, 1, 1024);
        Assert.Contains("aaaa", text, StringComparison.Ordinal);
        Assert.All(server.Logs.Lines, line => Assert.True(line.Length < 4096, $"a log line of {line.Length} characters"));
    }

    [Fact]
    public async Task Api_answers_carry_hsts_and_frame_refusal_and_the_reference_page_a_content_security_policy()
    {
        await using var server = await TestServer.StartAsync();
        using var http = Client(server);
        using var json = await http.GetAsync(new Uri(server.Host.Facts.ApiUrl + "/api/v1/devices"));
        Assert.Equal(HttpStatusCode.Unauthorized, json.StatusCode);
        Assert.Equal("max-age=31536000", Header(json, "Strict-Transport-Security"));
        Assert.Equal("DENY", Header(json, "X-Frame-Options"));
        Assert.Contains("default-src 'none'", Header(json, "Content-Security-Policy"), StringComparison.Ordinal);

        using var page = await http.GetAsync(new Uri(server.Host.Facts.ApiUrl + "/api/v1/reference"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("max-age=31536000", Header(page, "Strict-Transport-Security"));
        Assert.Equal("DENY", Header(page, "X-Frame-Options"));
        Assert.Contains("frame-ancestors 'none'", Header(page, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", Header(page, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_page_bound_is_the_configured_one()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Api.Limits.MaxPageSize = 5;
            o.Api.Limits.DefaultPageSize = 5;
        });
        var (token, record) = ApiKeys.Create("limits", Roles.Viewer, null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        using var http = Client(server);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var within = await http.GetAsync(new Uri(server.Host.Facts.ApiUrl + "/api/v1/devices?limit=5"));
        using var beyond = await http.GetAsync(new Uri(server.Host.Facts.ApiUrl + "/api/v1/devices?limit=6"));
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, beyond.StatusCode);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : string.Empty;

    private static HttpClient Client(TestServer server) => new(new SocketsHttpHandler
    {
        SslOptions = Certificates.ServerAuthentication(server.Host.Facts.ClientCertificateAnchors, insecure: false),
    });
}
