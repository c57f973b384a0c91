using Palisade.Cpe.Model;
using Palisade.Cpe.Simulation;

namespace Palisade.Bench.Fleet;

/// <summary>What a scenario works with during one run: the settings, the server under test and its store, the fleet.</summary>
internal sealed class BenchRun
{
    public required FleetSettings Settings { get; init; }

    /// <summary>The server's data folder (its store, its PKI).</summary>
    public required string Data { get; init; }

    public required ServerProcess Server { get; init; }

    public required DeviceProfile Profile { get; init; }

    public required FleetSimulator Fleet { get; init; }

    /// <summary>Where tasks are queued, as the API queues them.</summary>
    public required TaskQueue Queue { get; init; }

    /// <summary>Sessions against Palisade that failed, by kind (any makes the run's exit code 1).</summary>
    public SortedDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>The storm scenario's figures (zero in the others).</summary>
    public Scenarios.StormFigures Storm { get; set; } = Scenarios.StormFigures.None;

    public required CancellationToken CancellationToken { get; init; }
}
