using System.Net;
using Palisade.Acs.Access;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary><c>DELETE /api/v1/devices/{id}?block=true</c>: the device goes, and its id may not enroll again until unblocked.</summary>
public sealed class DeviceBlockApiTests : IAsyncLifetime
{
    private static readonly DeviceTemplate Gateway = DeviceTemplate.Build(DeviceProfile.Gateway());
    private readonly List<CpeAgent> _agents = [];
    private TestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = Palisade.Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, insecure: false),
        })
        { BaseAddress = new Uri(_server.Host.Facts.ApiUrl! + "/") };
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_device_deleted_with_block_cannot_enroll_again_on_the_bootstrap_credential_until_unblocked()
    {
        var admin = await KeyAsync(Roles.Admin);
        Assert.True((await NewAgent("BLK0001").RunSessionAsync(CancellationToken.None)).Success);
        var path = "api/v1/devices/" + Uri.EscapeDataString(Id("BLK0001").ToString());

        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(HttpMethod.Delete, path + "?block=true", admin));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(HttpMethod.Get, path, admin));

        // Reset to its factory state, it comes back on the bootstrap credential: refused, and not stored again.
        var refused = await NewAgent("BLK0001").RunSessionAsync(CancellationToken.None);
        Assert.False(refused.Success);
        Assert.Null(await _server.Host.Store.GetDeviceAsync(Id("BLK0001"), CancellationToken.None));

        // A plain delete does not block: another device deleted without it enrolls again.
        Assert.True((await NewAgent("BLK0002").RunSessionAsync(CancellationToken.None)).Success);
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(HttpMethod.Delete, "api/v1/devices/" + Uri.EscapeDataString(Id("BLK0002").ToString()), admin));
        Assert.True((await NewAgent("BLK0002").RunSessionAsync(CancellationToken.None)).Success);

        Assert.True(await _server.Host.Store.UnblockDeviceAsync(Id("BLK0001"), CancellationToken.None));
        Assert.True((await NewAgent("BLK0001").RunSessionAsync(CancellationToken.None)).Success);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(HttpMethod.Get, path, admin));
    }

    private static Acs.Devices.DeviceId Id(string serial) => new("00D09E", "SIM-GW", serial);

    private CpeAgent NewAgent(string serial)
    {
        var bootstrap = _server.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = _server.Url, Username = bootstrap.Username, Password = bootstrap.Password, PeriodicInterval = TimeSpan.FromHours(1) };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        var agent = new CpeAgent(new CpeDataModel(Gateway, new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", serial, "SIM-GW 1000", "rev-A")), options);
        _agents.Add(agent);
        return agent;
    }

    private async Task<string> KeyAsync(string role)
    {
        var (token, record) = ApiKeys.Create("test-" + role, role, null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await _server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        return token;
    }

    private async Task<HttpStatusCode> SendAsync(HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }
}
