using System.Diagnostics;
using System.Text.Json;

namespace Palisade.Tests;

/// <summary>The fleet benchmark in a small configuration, so that it cannot rot. No timing is asserted.</summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task The_fleet_benchmark_completes_without_errors_and_writes_its_figures()
    {
        var json = Path.Combine(Path.GetTempPath(), "palisade-bench-" + Guid.NewGuid().ToString("N") + ".json");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Palisade.Bench.dll"), "fleet", "--devices", "200", "--duration", "3", "--warmup", "1", "--concurrency", "16", "--json", json })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await output + await error);

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        File.Delete(json);
        var root = report.RootElement;
        Assert.Equal(200, root.GetProperty("devices").GetInt32());
        Assert.True(root.GetProperty("sessions").GetInt64() > 0);
        Assert.True(root.GetProperty("baselineSessionsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("baselineRatio").GetDouble() > 0);
        Assert.True(root.GetProperty("baselineHalfRateLatencyMs").GetProperty("p99").GetDouble() > 0);
        Assert.Empty(root.GetProperty("errorsByKind").EnumerateObject());
        Assert.Empty(root.GetProperty("baselineErrorsByKind").EnumerateObject());
    }
}
