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

    public long Sessions => Interlocked.Read(ref _sessions);

    public long Failures => Interlocked.Read(ref _failures);

    public IReadOnlyDictionary<string, long> ErrorsByKind => new SortedDictionary<string, long>(_errors, StringComparer.Ordinal);

    public void Record(bool success, string? errorKind, TimeSpan elapsed)
    {
        if (success)
        {
            Interlocked.Increment(ref _sessions);
            _latency.RecordValue(Math.Max(1, (long)(elapsed.TotalMilliseconds * 1000)));
        }
        else
        {
            Interlocked.Increment(ref _failures);
            _errors.AddOrUpdate(errorKind ?? "unknown", 1, (_, n) => n + 1);
        }
    }

    /// <summary>Latency percentile in milliseconds.</summary>
    public double Percentile(double p) => _latency.TotalCount == 0 ? 0 : _latency.GetValueAtPercentile(p) / 1000.0;

    public FleetSummary Summarize(int devices, TimeSpan elapsed, Agent.ConnectionMode connection = Agent.ConnectionMode.PerSession) => new(
        devices,
        connection == Agent.ConnectionMode.Kept ? "kept" : "per-session",
        Sessions,
        Failures,
        ErrorsByKind,
        elapsed.TotalSeconds > 0 ? Math.Round(Sessions / elapsed.TotalSeconds, 1) : 0,
        new LatencySummary(Math.Round(Percentile(50), 2), Math.Round(Percentile(95), 2), Math.Round(Percentile(99), 2)),
        Math.Round(elapsed.TotalSeconds, 1));
}

/// <summary>The result of a fleet run, as <c>--json</c> writes it.</summary>
public sealed record FleetSummary(
    int Devices,
    string Connection,
    long Sessions,
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
