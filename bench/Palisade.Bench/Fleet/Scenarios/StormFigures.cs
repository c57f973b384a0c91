namespace Palisade.Bench.Fleet.Scenarios;

/// <summary>What the storm scenario measured: how long until every device was served, sheds, losses, connection retries.</summary>
internal sealed record StormFigures(double Seconds, long Shed, long TasksLost, long BootsLost, IReadOnlyDictionary<string, long> RetriesByKind)
{
    public static StormFigures None { get; } = new(0, 0, 0, 0, new SortedDictionary<string, long>(StringComparer.Ordinal));
}
