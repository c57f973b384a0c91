namespace Palisade.Bench.Fleet.Scenarios;

/// <summary>The scenarios <c>--scenario</c> offers; the first is the default.</summary>
internal static class FleetScenarios
{
    public static IReadOnlyList<IFleetScenario> All { get; } = [new PeriodicScenario(), new WorkScenario(), new StormScenario(), new BootstrapScenario(), new ProvisionScenario()];

    /// <summary>The scenario of that name, or null.</summary>
    public static IFleetScenario? Find(string? name) => All.FirstOrDefault(s => s.Name == name);

    /// <summary>The <c>--scenario</c> help: each name with what it does.</summary>
    public static string Help()
    {
        var names = All.Select((s, i) => s.Name + (i == 0 ? " (default" + (s.Help.Length > 0 ? ", " + s.Help : string.Empty) + ")" : s.Help.Length > 0 ? " (" + s.Help + ")" : string.Empty)).ToList();
        return string.Join(", ", names[..^1]) + " or " + names[^1] + ".";
    }
}
