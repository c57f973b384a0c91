using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Palisade.Acs.Storage;

/// <summary>
/// Store latency on the meter <c>Palisade.Store</c>: one histogram of every read and write by store and operation (the
/// store method's name), exported at <c>/metrics</c>. Nothing is measured while nobody listens.
/// </summary>
public static class StoreMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Palisade.Store";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("palisade.store.operation.duration", "s", "How long store reads and writes took, by store and operation, failures included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    /// <summary>A timestamp to pass to <see cref="Record"/>, or 0 while nobody listens.</summary>
    public static long Start() => Duration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records an operation that began at <paramref name="started"/> (from <see cref="Start"/>).</summary>
    public static void Record(long started, string store, string operation)
    {
        if (started != 0)
        {
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("store", store), new KeyValuePair<string, object?>("operation", operation));
        }
    }
}
