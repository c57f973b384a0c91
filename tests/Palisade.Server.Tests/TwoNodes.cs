using Palisade.Storage.Postgres;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// Two Palisade nodes on one PostgreSQL schema, as an operator runs them behind a load balancer: node B's data folder
/// holds copies of node A's PKI, store key and bootstrap credential (docs/operations.md).
/// </summary>
internal sealed class TwoNodes : IAsyncDisposable
{
    private readonly string _schema;
    private readonly string _connectionString;
    private bool _aStopped;

    private TwoNodes(string schema, string connectionString)
    {
        _schema = schema;
        _connectionString = connectionString;
    }

    public TestServer A { get; private set; } = null!;

    public TestServer B { get; private set; } = null!;

    public string ConnectionString => _connectionString;

    /// <summary>Node B's store when started with <c>gateB</c>.</summary>
    public GatedLeaseStore? GateB { get; private set; }

    /// <summary>Starts both nodes; <paramref name="time"/> is the clock of both (default: the real one).</summary>
    public static async Task<TwoNodes> StartAsync(Action<ServerOptions>? configure = null, bool gateB = false, TimeProvider? time = null)
    {
        var schema = "n_" + Guid.NewGuid().ToString("N");
        var nodes = new TwoNodes(schema, TestPostgres.CreateSchema(schema));
        try
        {
            nodes.A = await TestServer.StartAsync(configure, time: time, openStore: nodes.OpenStore);
            var data = Directory.CreateTempSubdirectory("palisade-node-b-").FullName;
            CopyShared(nodes.A.DataDirectory, data);
            nodes.B = await TestServer.StartAsync(configure, data: data, time: time, openStore: gateB ? d => nodes.GateB = new GatedLeaseStore(nodes.OpenStore(d)) : nodes.OpenStore);
            return nodes;
        }
        catch
        {
            await nodes.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops node A as a crash would for the other node: its open sessions are never ended, their leases stay behind.</summary>
    public async Task StopAAbruptlyAsync()
    {
        _aStopped = true;
        await A.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (B is not null)
        {
            await B.DisposeAsync();
        }

        if (A is not null && !_aStopped)
        {
            await A.DisposeAsync();
        }

        TestPostgres.DropSchema(_schema);
    }

    private PostgresStore OpenStore(string data) =>
        PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = _connectionString, KeyPath = Path.Combine(data, "store.key") }).GetAwaiter().GetResult();

    private static void CopyShared(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            // The transfer-token key is not copied: nodes on one database derive it from the store key.
            if (relative is "store.key" or "bootstrap-credential" || (relative.StartsWith("pki", StringComparison.Ordinal) && !relative.EndsWith(Files.FilesFeature.TokenKeyFileName, StringComparison.Ordinal)))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
                File.Copy(file, Path.Combine(to, relative));
            }
        }
    }
}
