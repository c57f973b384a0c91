using System.Text.Json.Serialization;

namespace Palisade.Bench.Fleet;

/// <summary>The JSON summary (camelCase field names).</summary>
internal sealed record FleetReport(
    string Scenario,
    double StormSeconds,
    long Shed,
    long StormTasksLost,
    long StormBootsLost,
    IReadOnlyDictionary<string, long> StormRetriesByKind,
    int Devices,
    string Tls,
    string Connection,
    string TlsSessionCache,
    string Auth,
    int DurationSeconds,
    long Sessions,
    double SessionsPerSecond,
    double BaselineSessionsPerSecond,
    double BaselineRatio,
    LatencyReport LatencyMs,
    LatencyReport HalfRateLatencyMs,
    LatencyReport? BaselineHalfRateLatencyMs,
    double HalfRateSessionsPerSecond,
    double HalfRateServerCpuSecondsPer1000Sessions,
    double ServerCpuSecondsPer1000Sessions,
    double BaselineServerCpuSecondsPer1000Sessions,
    double SimulatorCpuSecondsPer1000Sessions,
    long ServerPeakRssBytes,
    long ServerRestRssBytes,
    long StoredDevices,
    int TasksPerSession,
    double BootstrapSeconds,
    double BootstrapSessionsPerSecond,
    double BootstrapDevicesPerSecond,
    LatencyReport BootstrapLatencyMs,
    double CachedParametersPerDevice,
    long StoreBytes,
    double StoreBytesPerDevice,
    long CachedParameters,
    double StoreBytesPerParameter,
    IReadOnlyDictionary<string, long> ErrorsByKind,
    IReadOnlyDictionary<string, long> BaselineErrorsByKind,
    Postgres.PostgresFigures? Postgres,
    ScenarioPairFigures? Pair);

internal sealed record LatencyReport(double P50, double P95, double P99);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(FleetReport))]
[JsonSerializable(typeof(Postgres.PostgresFigures))]
[JsonSerializable(typeof(ScenarioPairFigures))]
internal sealed partial class ReportJson : JsonSerializerContext
{
}
