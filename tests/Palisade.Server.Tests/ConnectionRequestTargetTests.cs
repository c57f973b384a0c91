using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// A device chooses its ConnectionRequestURL: the real server must not let it aim connection requests at this
/// machine, the cloud metadata service or the ACS's own API, and must report no more than reached or unreachable
/// (issue 24, medium 6).
/// </summary>
public sealed class ConnectionRequestTargetTests
{
    [Fact]
    public async Task With_the_production_defaults_a_loopback_url_is_never_called()
    {
        await using var server = await TestServer.StartAsync(o => o.ConnectionRequestTargets.AllowedNetworks.Clear());
        await using var target = await TestWebServer.StartAsync(null, c =>
        {
            c.Response.StatusCode = 200;
            return Task.CompletedTask;
        });

        var answer = await PokeAsync(server, new Uri(target.Url, "cr").ToString());

        Assert.Equal("unreachable", answer["result"]!.GetValue<string>());
        Assert.Equal("refused-address", answer["reason"]!.GetValue<string>());
        Assert.Equal(0, target.Requests);
        Assert.Contains(server.Logs.Lines, l => l.Contains("refused", StringComparison.Ordinal) && l.Contains("Loopback", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_acs_own_api_port_is_refused_even_where_loopback_is_allowed()
    {
        await using var server = await TestServer.StartAsync();
        var api = new Uri(server.Host.Facts.ApiUrl!);

        var answer = await PokeAsync(server, $"https://127.0.0.1:{api.Port}/api/v1/keys");

        Assert.Equal("refused-address", answer["reason"]!.GetValue<string>());
        Assert.Contains(server.Logs.Lines, l => l.Contains("OwnPort", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_metadata_service_is_refused()
    {
        await using var server = await TestServer.StartAsync(o => o.ConnectionRequestTargets.AllowedNetworks.Add("0.0.0.0/0"));
        var answer = await PokeAsync(server, "http://169.254.169.254/latest/meta-data/");
        Assert.Equal("refused-address", answer["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_allowed_cpe_that_answers_an_error_is_reported_without_its_status_or_body()
    {
        await using var server = await TestServer.StartAsync();
        await using var target = await TestWebServer.StartAsync(null, async c =>
        {
            c.Response.StatusCode = 418;
            c.Response.Headers["X-Internal"] = "db.internal:5432";
            await c.Response.WriteAsync("internal secret page");
        });

        var answer = await PokeAsync(server, new Uri(target.Url, "cr").ToString());

        Assert.Equal(1, target.Requests);
        Assert.Equal("""{"result":"unreachable","reason":"rejected","attempts":[{"via":"http","reason":"rejected"}]}""", answer.ToJsonString());
    }

    private static async Task<JsonNode> PokeAsync(TestServer server, string url)
    {
        var id = new DeviceId("00D09E", "SSRF", "CR" + Guid.NewGuid().ToString("N")[..8]);
        await server.Host.Store.CommitSessionAsync(new Acs.Storage.SessionChanges(new Device
        {
            Id = id,
            RegisteredAt = DateTimeOffset.UtcNow,
            ConnectionRequest = new ConnectionRequestEndpoint(url, "cr", "cr-secret", null),
        }), CancellationToken.None);
        var (token, record) = ApiKeys.Create("test", Roles.Operator, null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = Security.Pki.Certificates.ServerAuthentication(server.Host.Facts.ClientCertificateAnchors, insecure: false),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{server.Host.Facts.ApiUrl}/api/v1/devices/{Uri.EscapeDataString(id.ToString())}/connection-request");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
