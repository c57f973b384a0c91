using System.Net;
using Palisade.Acs.Access;
using Palisade.Acs.Storage;
using Palisade.Storage.Postgres;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// Two Palisade nodes on one PostgreSQL store, as an operator runs them behind a load balancer: the second node's
/// data folder holds copies of the first one's PKI, store key and bootstrap credential (docs/operations.md).
/// </summary>
public sealed class MultiNodeTests : IAsyncLifetime
{
    private readonly string _schema = "n_" + Guid.NewGuid().ToString("N");
    private string _connectionString = string.Empty;
    private TestServer _a = null!;
    private TestServer _b = null!;

    public async Task InitializeAsync()
    {
        _connectionString = TestPostgres.CreateSchema(_schema);
        _a = await TestServer.StartAsync(openStore: OpenStore);
        var data = Directory.CreateTempSubdirectory("palisade-node-b-").FullName;
        CopyShared(_a.DataDirectory, data);
        _b = await TestServer.StartAsync(data: data, openStore: OpenStore);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        TestPostgres.DropSchema(_schema);
    }

    [Fact]
    public async Task A_task_queued_and_awaited_through_one_nodes_api_returns_the_result_of_a_session_on_the_other()
    {
        using var cpe = TestCpe.Bootstrap(_b, "SN-CROSS");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT");
        using var api = new ApiClient(_a);
        var key = await api.KeyAsync(Roles.Operator);
        var id = new Palisade.Acs.Devices.DeviceId("00D09E", "HGW", "SN-CROSS");

        var waiting = api.SendAsync(HttpMethod.Post, $"api/v1/devices/{id}/tasks?timeout=60", key,
            """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.SerialNumber"]}""");
        while ((await _a.Host.Store.ListTasksAsync(id, 10, CancellationToken.None)).All(t => t.Name != "getParameterValues"))
        {
            // A real wait: the API request runs on its own; the task appears when it is queued.
            await Task.Delay(20);
        }

        var started = DateTime.UtcNow;
        await cpe.RunSessionAsync(null, "6 CONNECTION REQUEST");
        var response = await waiting;

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("done", response.Body["status"]!.GetValue<string>());
        Assert.Contains("SN-CROSS", response.Text, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "the waiter on node A heard of the session on node B before its timeout");
    }

    [Fact]
    public async Task The_audit_entries_of_both_nodes_form_one_chain()
    {
        using var apiA = new ApiClient(_a);
        using var apiB = new ApiClient(_b);
        var keyA = await apiA.KeyAsync(Roles.Admin, name: "a");
        var keyB = await apiB.KeyAsync(Roles.Admin, name: "b");
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? apiA : apiB).SendAsync(HttpMethod.Post, "api/v1/keys", i % 2 == 0 ? keyA : keyB, $$"""{"name":"k{{i}}","role":"viewer"}""")));

        var chain = await _b.Host.Store.VerifyAuditAsync(CancellationToken.None);
        Assert.True(chain.Intact, chain.Problem);
        Assert.True(chain.Entries >= 10);
    }

    private IPalisadeStore OpenStore(string data) =>
        PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = _connectionString, KeyPath = Path.Combine(data, "store.key") }).GetAwaiter().GetResult();

    private static void CopyShared(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative is "store.key" or "bootstrap-credential" || relative.StartsWith("pki", StringComparison.Ordinal))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
                File.Copy(file, Path.Combine(to, relative));
            }
        }
    }
}
