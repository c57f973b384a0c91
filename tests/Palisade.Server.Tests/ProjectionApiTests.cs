using System.Net;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// A device list's projection is bounded work for any reader (issue 24 medium 9): <c>Device.</c> named 64 times took
/// 15 s of CPU and returned 17 MB for a viewer.
/// </summary>
public sealed class ProjectionApiTests : IAsyncLifetime
{
    private const int Devices = 4;
    private const int ParametersPerDevice = 100;
    private TestServer _server = null!;
    private ApiClient _api = null!;
    private string _viewer = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o.Api.Limits.Projection.MaxValues = 300);
        _api = new ApiClient(_server);
        _viewer = await _api.KeyAsync(Roles.Viewer);
        for (var d = 0; d < Devices; d++)
        {
            var now = DateTimeOffset.UtcNow;
            var changes = new SessionChanges(new Device { Id = new DeviceId("00D09E", "HGW", "PROJ" + d), RegisteredAt = now, LastInformAt = now });
            for (var i = 0; i < ParametersPerDevice; i++)
            {
                changes.Parameters.Add(new CachedParameter($"Device.X.{i}.Value", "v" + i, "xsd:string", true, 0, null, now));
            }

            await _server.Host.Store.CommitSessionAsync(changes, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_path_named_again_or_covered_by_a_partial_path_counts_once_against_the_bound()
    {
        // 66 paths, one subtree: 200 values for two devices, within the bound of 300 (read 66 times, 13,200).
        var projection = string.Join(',', Enumerable.Repeat("Device.", 64).Append("Device.X.1.Value").Append("Device.X."));
        var page = await _api.SendAsync(HttpMethod.Get, "api/v1/devices?limit=2&projection=" + Uri.EscapeDataString(projection), _viewer);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var devices = page.Body["devices"]!.AsArray();
        Assert.Equal(2, devices.Count);
        foreach (var device in devices)
        {
            Assert.Equal(ParametersPerDevice, device!["parameters"]!.AsObject().Count);
        }
    }

    [Fact]
    public async Task A_projection_past_the_bound_of_a_response_is_refused_with_422_saying_what_to_do()
    {
        // Four devices of 100 values each is past the bound of 300 values a response; two is within it.
        var refused = await _api.SendAsync(HttpMethod.Get, "api/v1/devices?projection=Device.", _viewer);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("smaller limit", refused.Text, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Get, "api/v1/devices?limit=2&projection=Device.", _viewer)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _api.SendAsync(HttpMethod.Get, "api/v1/devices?projection=Device.X.7.Value", _viewer)).Status);
    }

    [Fact]
    public async Task More_distinct_paths_than_allowed_are_refused_rather_than_cut_silently()
    {
        var projection = string.Join(',', Enumerable.Range(0, 65).Select(i => $"Device.X.{i}.Value"));
        var refused = await _api.SendAsync(HttpMethod.Get, "api/v1/devices?limit=1&projection=" + Uri.EscapeDataString(projection), _viewer);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains("65 distinct paths", refused.Text, StringComparison.Ordinal);

        var tooLong = await _api.SendAsync(HttpMethod.Get, "api/v1/devices?limit=1&projection=Device." + new string('a', 300), _viewer);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
    }

    [Fact]
    public async Task An_export_refuses_a_partial_path_which_makes_no_column()
    {
        var refused = await _api.SendAsync(HttpMethod.Get, "api/v1/devices.csv?projection=Device.", _viewer);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("partial path", refused.Text, StringComparison.Ordinal);

        var csv = await _api.SendAsync(HttpMethod.Get, "api/v1/devices.csv?projection=" + Uri.EscapeDataString("Device.X.3.Value,Device.X.3.Value"), _viewer);
        Assert.Equal(HttpStatusCode.OK, csv.Status);
        Assert.Contains("\"v3\"", csv.Text, StringComparison.Ordinal);
    }
}
