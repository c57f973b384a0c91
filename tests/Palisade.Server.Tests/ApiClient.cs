using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>Calls a test server's API over HTTPS as a client would: a key or token, a body, the problem document back.</summary>
internal sealed class ApiClient : IDisposable
{
    private readonly TestServer _server;
    private readonly HttpClient _http;

    public ApiClient(TestServer server)
    {
        _server = server;
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = Security.Pki.Certificates.ServerAuthentication(server.Host.Facts.ClientCertificateAnchors, insecure: false),
        })
        { BaseAddress = new Uri(server.Host.Facts.ApiUrl! + "/") };
    }

    public async Task<string> KeyAsync(string role, string? filter = null, string name = "test")
    {
        var (token, record) = ApiKeys.Create(name + "-" + role, role, filter, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await _server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        return token;
    }

    public async Task<Response> SendAsync(HttpMethod method, string path, string? token, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode parsed = text.Length > 0 && text[0] is '{' or '[' ? JsonNode.Parse(text)! : new JsonObject();
        return new Response(response.StatusCode, parsed, text, response.Headers.RetryAfter?.Delta);
    }

    public void Dispose() => _http.Dispose();

    internal sealed record Response(HttpStatusCode Status, JsonNode Body, string Text, TimeSpan? RetryAfter);
}
