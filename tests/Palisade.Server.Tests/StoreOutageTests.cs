using System.Net;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// PostgreSQL goes away under a running node (a restart, a failover: every connection cut, new ones refused) and comes
/// back: meanwhile CPEs get 503 with Retry-After and /readyz says not ready; afterwards the node serves again by itself,
/// nothing of a session is half-written and its task runs once. A database of its own, so other tests are untouched.
/// </summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _database = "outage_" + Guid.NewGuid().ToString("N");
    private string _connectionString = string.Empty;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _connectionString = TestPostgres.CreateDatabase(_database).ConnectionString;
        _server = await TestServer.StartAsync(openStore: TestPostgres.OpenStore(_connectionString));
    }

    public async Task DisposeAsync()
    {
        TestPostgres.SetReachable(_database, true);
        await _server.DisposeAsync();
        TestPostgres.DropDatabase(_database);
    }

    [Fact]
    public async Task While_the_database_is_away_cpes_get_503_with_retry_after_and_afterwards_the_node_serves_again_with_nothing_lost()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-OUTAGE");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT").WaitAsync(Deadline);
        using var again = new TestCpe(_server, "SN-OUTAGE", cpe.Username, cpe.Password);
        var id = new DeviceId("00D09E", "HGW", "SN-OUTAGE");
        var task = await _server.Host.Store.AddTaskAsync(id, new NewTask("getParameterValues", """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.SoftwareVersion"]}""", DateTimeOffset.UtcNow, null), CancellationToken.None);

        using var api = new ApiClient(_server);
        var key = await api.KeyAsync("admin");

        // A session is under way (the task sent) when the database goes away: its commit fails whole.
        Assert.Equal(200, (await again.SendInformAsync()).StatusCode);
        var rpc = await again.EmptyPostAsync();
        var get = Assert.IsType<GetParameterValuesRequest>(rpc.Envelope!.Body);
        TestPostgres.SetReachable(_database, false);
        var failed = await again.AnswerAsync(rpc, TestCpe.Default(get)).WaitAsync(Deadline);
        Assert.NotEqual(204, failed.StatusCode);
        again.EndSession();

        // New sessions meanwhile: 503 with Retry-After; the node is not ready.
        var refused = await again.SendInformAsync().WaitAsync(Deadline);
        Assert.Equal(503, refused.StatusCode);
        Assert.NotNull(refused.RetryAfter);
        again.EndSession();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.SendAsync(HttpMethod.Get, "/readyz", null)).Status);
        var listing = await api.SendAsync(HttpMethod.Get, "/api/v1/devices", key);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, listing.Status);
        Assert.NotNull(listing.RetryAfter);
        Assert.Contains("store cannot be reached", listing.Text, StringComparison.Ordinal);

        // Back: the node reconnects by itself; the task is still queued, runs in the next session, once.
        TestPostgres.SetReachable(_database, true);
        var seen = await again.RunSessionAsync(null, "2 PERIODIC").WaitAsync(Deadline);
        Assert.Single(seen, m => m is GetParameterValuesRequest);
        var done = (await _server.Host.Store.GetTaskAsync(task.Id, CancellationToken.None))!;
        Assert.Equal(DeviceTaskStatus.Done, done.Status);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Get, "/readyz", null)).Status);
        var chain = await _server.Host.Store.VerifyAuditAsync(CancellationToken.None);
        Assert.True(chain.Intact, chain.Problem);
    }
}
