using System.Diagnostics;
using System.Text.Json;
using Palisade.Testing;

namespace Palisade.Tests;

/// <summary>The fleet benchmark in a small configuration, so that it cannot rot. No timing is asserted.</summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task The_fleet_benchmark_completes_without_errors_and_writes_its_figures()
    {
        var root = await RunFleetAsync("--devices", "200", "--duration", "3", "--warmup", "1", "--concurrency", "16");
        Assert.Equal(200, root.GetProperty("devices").GetInt32());
        Assert.Equal("digest", root.GetProperty("auth").GetString());
        Assert.True(root.GetProperty("sessions").GetInt64() > 0);
        Assert.True(root.GetProperty("baselineSessionsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("baselineRatio").GetDouble() > 0);
        Assert.True(root.GetProperty("baselineHalfRateLatencyMs").GetProperty("p99").GetDouble() > 0);
        Assert.Empty(root.GetProperty("errorsByKind").EnumerateObject());
        Assert.Empty(root.GetProperty("baselineErrorsByKind").EnumerateObject());
    }

    [Fact]
    public async Task The_bootstrap_scenario_with_client_certificates_and_tasks_completes_without_errors()
    {
        var root = await RunFleetAsync("--scenario", "bootstrap", "--auth", "cert", "--tasks", "2", "--devices", "60", "--duration", "3", "--warmup", "1", "--concurrency", "16");
        Assert.Equal("bootstrap", root.GetProperty("scenario").GetString());
        Assert.Equal("client-certificate", root.GetProperty("auth").GetString());
        Assert.Equal(2, root.GetProperty("tasksPerSession").GetInt32());
        Assert.True(root.GetProperty("bootstrapDevicesPerSecond").GetDouble() > 0);

        // The discovery stored each device's tree of (up to) 500 parameters, not only what its Informs carry.
        Assert.True(root.GetProperty("cachedParametersPerDevice").GetDouble() >= 500, root.GetProperty("cachedParametersPerDevice").ToString());
        Assert.True(root.GetProperty("sessions").GetInt64() > 0);
        Assert.True(root.GetProperty("baselineSessionsPerSecond").GetDouble() > 0);
        Assert.Empty(root.GetProperty("errorsByKind").EnumerateObject());
        Assert.Empty(root.GetProperty("baselineErrorsByKind").EnumerateObject());
    }

    [Fact]
    public async Task With_a_database_two_nodes_take_PostgreSQL_turns_beside_SQLite_with_tasks_and_without_errors()
    {
        var database = "bench_" + Guid.NewGuid().ToString("N");
        var (url, _) = TestPostgres.CreateDatabase(database);
        try
        {
            // Three servers and two fleets registered: more time than the SQLite-only runs.
            var root = await RunFleetAsync(TimeSpan.FromMinutes(8), "--db", url, "--nodes", "2", "--tasks", "2", "--devices", "40", "--duration", "4", "--warmup", "1", "--rounds", "2", "--concurrency", "8");
            var pg = root.GetProperty("postgres");
            Assert.Equal(2, pg.GetProperty("nodes").GetInt32());
            Assert.True(pg.GetProperty("sessions").GetInt64() > 0);
            Assert.True(root.GetProperty("sessions").GetInt64() > 0);
            Assert.Equal(2, pg.GetProperty("nodeCpuSecondsPer1000Sessions").GetArrayLength());

            // Without --pg-data the cluster's CPU is not known, and the target is not claimed either way.
            Assert.Equal(JsonValueKind.Null, pg.GetProperty("databaseCpuSecondsPer1000Sessions").ValueKind);
            Assert.Equal(JsonValueKind.Null, pg.GetProperty("cpuRatioToSqliteServer").ValueKind);
            Assert.Equal(0, root.GetProperty("baselineSessionsPerSecond").GetDouble());
            Assert.Empty(pg.GetProperty("errorsByKind").EnumerateObject());
            Assert.Empty(root.GetProperty("errorsByKind").EnumerateObject());
        }
        finally
        {
            TestPostgres.DropDatabase(database);
        }
    }

    [Fact]
    public async Task An_unknown_scenario_is_refused_rather_than_run_as_another()
    {
        var (exitCode, output) = await RunBenchAsync(TimeSpan.FromMinutes(3), "fleet", "--scenario", "stromm");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("stromm", output, StringComparison.Ordinal);
    }

    private static Task<JsonElement> RunFleetAsync(params string[] args) => RunFleetAsync(TimeSpan.FromMinutes(3), args);

    private static async Task<JsonElement> RunFleetAsync(TimeSpan timeout, params string[] args)
    {
        var json = Path.Combine(Path.GetTempPath(), "palisade-bench-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var (exitCode, output) = await RunBenchAsync(timeout, ["fleet", .. args, "--json", json]);
            Assert.True(exitCode == 0, output);
            using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            return report.RootElement.Clone();
        }
        finally
        {
            File.Delete(json);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunBenchAsync(TimeSpan limit, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Palisade.Bench.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
