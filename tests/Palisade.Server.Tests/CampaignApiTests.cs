using System.Net;
using System.Security.Cryptography;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// /api/v1/campaigns as an operator uses it: a campaign takes the filter's devices into its stages, a device is in one
/// campaign at a time, a file a campaign uses cannot be deleted or replaced, bad bodies are clear 400s, and the
/// operations move the campaign as documented (issue 21).
/// </summary>
public sealed class CampaignApiTests : IAsyncLifetime
{
    private const string Plan = "\"stages\":[{\"count\":2,\"soakMinutes\":30},{\"percent\":100}],\"maxConcurrency\":5,\"returnWithinMinutes\":20,\"halt\":{\"maxFailures\":1}";

    private TestServer _server = null!;
    private ApiClient _api = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        // The file server stays up, but no CPE is there: nothing is started while the campaign is a draft or paused.
        _server = await TestServer.StartAsync();
        _api = new ApiClient(_server);
        _admin = await _api.KeyAsync("admin");
        await _server.Host.Files!.Service.AddAsync(new Acs.Access.Caller("test", Acs.Access.Roles.Admin, null, null),
            new Acs.Files.NewFile("fw-2.1.0.bin", "1 Firmware Upgrade Image", "2.1.0", null, null, null), new MemoryStream(RandomNumberGenerator.GetBytes(1000)), CancellationToken.None);
        for (var n = 1; n <= 5; n++)
        {
            await _server.Host.Store.CommitSessionAsync(new SessionChanges(new Device
            {
                Id = new DeviceId("00D09E", n <= 3 ? "HGW" : "ONT", $"CAP{n:D4}"),
                RegisteredAt = DateTimeOffset.UtcNow,
                LastInformAt = DateTimeOffset.UtcNow,
                LastEvents = "2 PERIODIC",
                Transport = "https",
                AuthMethod = AuthMethods.DigestSha256,
                Credentials = new DeviceCredentials("u", [1], [2], true, null),
                SoftwareVersion = "2.0.0",
            }), CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_draft_campaign_holds_the_filters_devices_in_stages_and_a_device_cannot_join_a_second_campaign()
    {
        var created = await _api.SendAsync(HttpMethod.Post, "api/v1/campaigns", _admin,
            "{\"name\":\"hgw 2.1.0\",\"file\":\"fw-2.1.0.bin\",\"filter\":\"productClass = \\\"HGW\\\"\",\"start\":false," + Plan + "}");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("draft", created.Body["state"]!.GetValue<string>());
        Assert.Equal("2.1.0", created.Body["version"]!.GetValue<string>());
        Assert.Equal(3, created.Body["progress"]!["targeted"]!.GetValue<int>());
        Assert.Equal([2, 1], created.Body["progress"]!["stages"]!.AsArray().Select(s => s!["targeted"]!.GetValue<int>()));
        var id = created.Body["id"]!.GetValue<long>();

        // All devices: three of them are held by the first campaign; nothing of the second is written.
        var second = await _api.SendAsync(HttpMethod.Post, "api/v1/campaigns", _admin, "{\"name\":\"all\",\"file\":\"fw-2.1.0.bin\"," + Plan + "}");
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Single((await _api.SendAsync(HttpMethod.Get, "api/v1/campaigns", _admin)).Body["campaigns"]!.AsArray());

        // Once the first is aborted, its devices are free again.
        var aborted = await _api.SendAsync(HttpMethod.Post, $"api/v1/campaigns/{id}/abort", _admin);
        Assert.Equal("aborted", aborted.Body["state"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await _api.SendAsync(HttpMethod.Post, $"api/v1/campaigns/{id}/resume", _admin)).Status);
        var third = await _api.SendAsync(HttpMethod.Post, "api/v1/campaigns", _admin, "{\"name\":\"all\",\"file\":\"fw-2.1.0.bin\",\"start\":false," + Plan + "}");
        Assert.Equal(HttpStatusCode.Created, third.Status);
        Assert.Equal(5, third.Body["progress"]!["targeted"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_file_a_campaign_uses_cannot_be_deleted_or_replaced_until_the_campaign_ends()
    {
        var id = (await _api.SendAsync(HttpMethod.Post, "api/v1/campaigns", _admin, "{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\",\"start\":false," + Plan + "}")).Body["id"]!.GetValue<long>();

        var delete = await _api.SendAsync(HttpMethod.Delete, "api/v1/files/fw-2.1.0.bin", _admin);
        Assert.Equal(HttpStatusCode.Conflict, delete.Status);
        Assert.Contains("cannot be deleted", delete.Text, StringComparison.Ordinal);
        var replace = await _server.Host.Files!.Service.AddAsync(new Acs.Access.Caller("test", Acs.Access.Roles.Admin, null, null),
            new Acs.Files.NewFile("fw-2.1.0.bin", "1 Firmware Upgrade Image", "2.1.1", null, null, null), new MemoryStream([1, 2, 3]), CancellationToken.None)
            .ContinueWith(t => t.Exception?.InnerException, TaskScheduler.Default);
        Assert.Equal(Acs.Services.ServiceErrorReason.Conflict, Assert.IsType<Acs.Services.ServiceException>(replace).Reason);

        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Post, $"api/v1/campaigns/{id}/abort", _admin)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.SendAsync(HttpMethod.Delete, "api/v1/files/fw-2.1.0.bin", _admin)).Status);
    }

    [Theory]
    [InlineData("{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\",\"stages\":[]}", "stages")]
    [InlineData("{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"percent\":10,\"count\":5}]}", "stages[0]")]
    [InlineData("{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"percent\":50},{\"percent\":10}]}", "stages[1].percent")]
    [InlineData("{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"percent\":100}],\"maxConcurrency\":0}", "maxConcurrency")]
    [InlineData("{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"percent\":100}],\"window\":{\"startHour\":3,\"endHour\":3}}", "window")]
    [InlineData("{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"percent\":100}],\"halt\":{\"maxFailurePercent\":101}}", "halt.maxFailurePercent")]
    [InlineData("{\"file\":\"fw-2.1.0.bin\",\"stages\":[{\"percent\":100}]}", "name")]
    [InlineData("{\"name\":\"c\",\"file\":\"nope.bin\",\"stages\":[{\"percent\":100}]}", "file")]
    [InlineData("{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\",\"filter\":\"serialNumber = \\\"none\\\"\",\"stages\":[{\"percent\":100}]}", "filter")]
    [InlineData("{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\",\"filter\":\"((\",\"stages\":[{\"percent\":100}]}", "filter")]
    public async Task A_bad_campaign_is_a_400_naming_its_field_and_nothing_is_created(string body, string field)
    {
        var refused = await _api.SendAsync(HttpMethod.Post, "api/v1/campaigns", _admin, body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(field, refused.Body["field"]!.GetValue<string>());
        Assert.Empty((await _api.SendAsync(HttpMethod.Get, "api/v1/campaigns", _admin)).Body["campaigns"]!.AsArray());
    }

    [Fact]
    public async Task Reading_needs_read_files_and_starting_needs_write_management_server_too()
    {
        var viewer = await _api.KeyAsync("viewer", name: "viewer");
        var auditor = await _api.KeyAsync("auditor", name: "auditor");
        var operatorKey = await _api.KeyAsync("operator", name: "operator");
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Get, "api/v1/campaigns", viewer)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Get, "api/v1/campaigns", auditor)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Post, "api/v1/campaigns", auditor, "{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\"," + Plan + "}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _api.SendAsync(HttpMethod.Post, "api/v1/campaigns", operatorKey, "{\"name\":\"c\",\"file\":\"fw-2.1.0.bin\"," + Plan + "}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _api.SendAsync(HttpMethod.Get, "api/v1/campaigns/999", auditor)).Status);
    }
}
