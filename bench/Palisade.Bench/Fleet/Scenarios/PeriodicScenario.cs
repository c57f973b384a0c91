namespace Palisade.Bench.Fleet.Scenarios;

/// <summary>Periodic informs only: the frame as it is (registration, then the periodic phases).</summary>
internal sealed class PeriodicScenario : IFleetScenario
{
    public string Name => "periodic";

    public string Help => string.Empty;
}
