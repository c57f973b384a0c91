using System.Globalization;
using System.Net;
using Palisade.Acs.Access;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// Tests that read a process-wide meter exactly. The meters are static (one server per process in production); in the
/// test process every server adds to them, so these tests run in a collection that xUnit runs alone, after the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeters
{
    public const string Name = "Process-wide meters";
}

/// <summary>palisade_tasks_total counts each task once per state it reaches.</summary>
[Collection(ProcessWideMeters.Name)]
public sealed class TaskMetricsTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task One_task_adds_exactly_one_queued_one_running_and_one_done()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-TASKMETRICS");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT").WaitAsync(Deadline);
        using var api = new ApiClient(_server);
        var admin = await api.KeyAsync(Roles.Admin);
        var scraper = await api.KeyAsync(Roles.Monitor, name: "scraper");
        var before = await TaskCountsAsync(api, scraper);

        var queued = await api.SendAsync(HttpMethod.Post, $"api/v1/devices/{Uri.EscapeDataString(new Acs.Devices.DeviceId("00D09E", "HGW", "SN-TASKMETRICS").ToString())}/tasks", admin, """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.SoftwareVersion"]}""");
        Assert.Equal(HttpStatusCode.Accepted, queued.Status);
        await cpe.RunSessionAsync(null, "2 PERIODIC").WaitAsync(Deadline);
        var after = await TaskCountsAsync(api, scraper);

        foreach (var state in new[] { "queued", "running", "done" })
        {
            Assert.Equal(1, after.GetValueOrDefault(state) - before.GetValueOrDefault(state));
        }

        Assert.Equal(before.GetValueOrDefault("faulted"), after.GetValueOrDefault("faulted"));
    }

    // The sum of palisade_tasks_total per state, as a Prometheus scraper reads it.
    private static async Task<Dictionary<string, double>> TaskCountsAsync(ApiClient api, string key)
    {
        var metrics = await api.SendAsync(HttpMethod.Get, "/metrics", key);
        Assert.Equal(HttpStatusCode.OK, metrics.Status);
        var counts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in metrics.Text.Split('\n').Where(l => l.StartsWith("palisade_tasks_total{", StringComparison.Ordinal)))
        {
            var labels = line[..line.IndexOf('}', StringComparison.Ordinal)];
            var at = labels.IndexOf("state=\"", StringComparison.Ordinal) + 7;
            var state = labels[at..labels.IndexOf('"', at)];
            var value = double.Parse(line[(line.IndexOf("} ", StringComparison.Ordinal) + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
            counts[state] = counts.GetValueOrDefault(state) + value;
        }

        return counts;
    }
}
