using System.Net;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Cwmp;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>An autonomous transfer is no longer dropped: the API shows it in the device's events, and filters find it (issue 18).</summary>
public sealed class DeviceEventsApiTests : IAsyncLifetime
{
    private const string Autonomous = "10 AUTONOMOUS TRANSFER COMPLETE";

    private TestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = new HttpClient(new SocketsHttpHandler { SslOptions = Palisade.Security.Pki.Certificates.ServerAuthentication(_server.Host.Facts.ClientCertificateAnchors, insecure: false) })
        {
            BaseAddress = new Uri(_server.Host.Facts.ApiUrl! + "/"),
        };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_autonomous_transfer_is_shown_in_the_devices_events_and_found_by_an_event_filter_with_a_window()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-ATC");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");
        using var again = new TestCpe(_server, "SN-ATC", cpe.Username, cpe.Password);
        Assert.Equal(200, (await again.SendInformAsync(CwmpVersion.V1_4, Autonomous)).StatusCode);
        var now = DateTimeOffset.UtcNow;
        var reply = await again.SendAsync(CwmpEnvelope.For(CwmpVersion.V1_4, "atc", new AutonomousTransferCompleteRequest(
            string.Empty, "https://files.example/fw-2.0.bin", true, "1 Firmware Upgrade Image", 4096, string.Empty, new TransferFault(0, string.Empty), now, now)));
        Assert.IsType<AutonomousTransferCompleteResponse>(reply.Envelope!.Body);
        Assert.Equal(204, (await again.EmptyPostAsync()).StatusCode);
        again.EndSession();
        Assert.Empty(await again.RunSessionAsync(null, "2 PERIODIC"));

        var (token, record) = ApiKeys.Create("viewer", Roles.Viewer, null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await _server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        _http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
        var id = Uri.EscapeDataString(cpe.DeviceId);

        using var events = await _http.GetAsync($"api/v1/devices/{id}/events");
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        var list = JsonNode.Parse(await events.Content.ReadAsStringAsync())!["events"]!.AsArray();
        var transfer = Assert.Single(list, e => e!["code"]!.GetValue<string>() == Autonomous)!;
        Assert.Equal("https://files.example/fw-2.0.bin", transfer["detail"]!["transferUrl"]!.GetValue<string>());
        Assert.Contains(list, e => e!["code"]!.GetValue<string>() == "0 BOOTSTRAP");

        var filter = Uri.EscapeDataString($"event = \"{Autonomous}\" SINCE now-1h");
        using var found = await _http.GetAsync($"api/v1/devices?filter={filter}");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(cpe.DeviceId, Assert.Single(JsonNode.Parse(await found.Content.ReadAsStringAsync())!["devices"]!.AsArray())!["id"]!.GetValue<string>());
    }
}
