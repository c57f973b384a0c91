using System.Text.Json;
using Palisade.Acs.Devices;
using Palisade.Storage.Postgres;
using Palisade.Testing;

namespace Palisade.Tests;

/// <summary>`palisade serve --db postgresql://…` for real: the process, its store on PostgreSQL, CPEs from `palisade sim`.</summary>
public sealed class PostgresServeTests : IDisposable
{
    private readonly string _database = "serve_" + Guid.NewGuid().ToString("N");
    private readonly string _data = Directory.CreateTempSubdirectory("palisade-pgserve-").FullName;
    private readonly (string Url, string ConnectionString) _db;

    public PostgresServeTests() => _db = TestPostgres.CreateDatabase(_database);

    [Fact]
    public async Task Serve_on_postgresql_runs_cpe_sessions_end_to_end_and_stores_them_there()
    {
        using var server = CliProcess.Start("serve", "--data", _data, "--db", _db.Url, "--cwmp-port", "0", "--api-port", "0", "--files-port", "0");
        try
        {
            var cwmp = await ListeningUrlAsync(server);
            var json = Path.Combine(_data, "fleet.json");
            var (code, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(3),
                "sim", "--acs", cwmp, "--devices", "20", "--ca", Path.Combine(_data, "pki", "ca.crt"),
                "--bootstrap-credential-file", Path.Combine(_data, "bootstrap-credential"), "--ramp", "2", "--periodic", "3", "--duration", "8", "--json", json);
            Assert.True(code == 0, output);
            using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            Assert.Equal(0, summary.RootElement.GetProperty("errors").GetInt64());
            Assert.True(summary.RootElement.GetProperty("sessions").GetInt64() >= 20, output);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }

        // What the sessions learned is in PostgreSQL, readable by another node with the same key file; the data folder
        // holds no SQLite store.
        await using var store = await PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = _db.ConnectionString, KeyPath = Path.Combine(_data, "store.key") });
        Assert.Equal(20, await store.CountDevicesAsync(CancellationToken.None));
        var first = await store.GetDeviceAsync(new DeviceId("00D09E", "SIM-GW", "SIM000000"), CancellationToken.None);
        Assert.True(first!.Credentials.Enrolled);
        Assert.NotEmpty(await store.GetParametersAsync(first.Id, null, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(_data, "palisade.db")));
    }

    [Fact]
    public async Task A_password_on_the_command_line_is_refused_before_anything_starts()
    {
        var url = _db.Url.Replace("@", ":hunter2@", StringComparison.Ordinal);

        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "--data", _data, "--db", url, "--cwmp-port", "0", "--api-port", "0", "--files-port", "0");

        Assert.Equal(2, code);
        Assert.Contains("PALISADE_DB_PASSWORD", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Db_migrate_applies_the_schema_once()
    {
        var (first, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "db", "migrate", "--db", _db.Url);
        Assert.True(first == 0, output);
        Assert.Contains("applied 1", output, StringComparison.Ordinal);

        var (again, second) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "db", "migrate", "--db", _db.Url);
        Assert.True(again == 0, second);
        Assert.Contains("up to date", second, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        TestPostgres.DropDatabase(_database);
        Directory.Delete(_data, recursive: true);
    }

    private static async Task<string> ListeningUrlAsync(System.Diagnostics.Process server)
    {
        _ = server.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var seen = new System.Text.StringBuilder();
        while (await server.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            seen.AppendLine(line);
            if (line.StartsWith("palisade: listening cwmp=", StringComparison.Ordinal))
            {
                _ = server.StandardOutput.ReadToEndAsync();
                return line["palisade: listening cwmp=".Length..].Split(' ')[0];
            }
        }

        throw new InvalidOperationException("palisade serve --db stopped before listening: " + seen);
    }
}
