using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using HdrHistogram;

namespace Palisade.Cpe.Simulation;

/// <summary>Live counters of a fleet run, safe to update from every agent at once.</summary>
public sealed class FleetStats
{
    private readonly LongConcurrentHistogram _latency = new(1, TimeStamp.Hours(1), 3);
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _sessions;
    private long _failures;
    private long _shed;

    public long Sessions => Interlocked.Read(ref _sessions);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Sessions the ACS shed with 503 (the device came back after its wait): load shedding, not an error.</summary>
    public long Shed => Interlocked.Read(ref _shed);

    public IReadOnlyDictionary<string, long> ErrorsByKind => new SortedDictionary<string, long>(_errors, StringComparer.Ordinal);

    public void Record(bool success, string? errorKind, TimeSpan elapsed)
    {
        if (success)
        {
            Interlocked.Increment(ref _sessions);
            _latency.RecordValue(Math.Max(1, (long)(elapsed.TotalMilliseconds * 1000)));
        }
        else if (errorKind == "busy")
        {
            Interlocked.Increment(ref _shed);
        }
        else
        {
            Interlocked.Increment(ref _failures);
            _errors.AddOrUpdate(errorKind ?? "unknown", 1, (_, n) => n + 1);
        }
    }

    /// <summary>Latency percentile in milliseconds.</summary>
    public double Percentile(double p) => _latency.TotalCount == 0 ? 0 : _latency.GetValueAtPercentile(p) / 1000.0;

    public FleetSummary Summarize(int devices, TimeSpan elapsed, Agent.ConnectionMode connection = Agent.ConnectionMode.PerSession, int devicesServed = 0) => new(
        devices,
        devicesServed,
        connection == Agent.ConnectionMode.Kept ? "kept" : "per-session",
        Sessions,
        Shed,
        Failures,
        ErrorsByKind,
        elapsed.TotalSeconds > 0 ? Math.Round(Sessions / elapsed.TotalSeconds, 1) : 0,
        new LatencySummary(Math.Round(Percentile(50), 2), Math.Round(Percentile(95), 2), Math.Round(Percentile(99), 2)),
        Math.Round(elapsed.TotalSeconds, 1));
}

/// <summary>The result of a fleet run, as <c>--json</c> writes it.</summary>
/// <param name="Devices">Devices simulated.</param>
/// <param name="DevicesServed">Devices that completed at least one session.</param>
/// <param name="Connection">per-session or kept.</param>
/// <param name="Sessions">Sessions completed.</param>
/// <param name="Shed">Sessions the ACS shed with 503 and Retry-After (the device retried): not counted in <paramref name="Errors"/>.</param>
/// <param name="Errors">Sessions that failed otherwise.</param>
/// <param name="ErrorsByKind">The failures by kind.</param>
/// <param name="SessionsPerSecond">Completed sessions per second over the run.</param>
/// <param name="LatencyMs">Session latency percentiles.</param>
/// <param name="DurationSeconds">How long the run took.</param>
public sealed record FleetSummary(
    int Devices,
    int DevicesServed,
    string Connection,
    long Sessions,
    long Shed,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByKind,
    double SessionsPerSecond,
    [property: JsonPropertyName("latencyMs")] LatencySummary LatencyMs,
    double DurationSeconds);

public sealed record LatencySummary(double P50, double P95, double P99);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(FleetSummary))]
public sealed partial class FleetJson : JsonSerializerContext
{
}
