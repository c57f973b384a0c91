using System.Text.Json;
using Palisade.Acs.Provisioning;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>Presets, provisions and virtual parameters in memory, as the provisioning step sees the catalog.</summary>
internal sealed class MemoryProvisioning : IProvisionCatalog
{
    public List<(string Channel, string Provision, string ArgumentsJson, string? Event)> Presets { get; } = [];

    public Dictionary<string, string> Provisions { get; } = new(StringComparer.Ordinal);

    /// <summary>Presets with a <c>backup</c> configuration: the preset's name and schedule.</summary>
    public List<(string Preset, PresetSchedule Schedule)> Backups { get; } = [];

    public Dictionary<string, string> VirtualParameters { get; } = new(StringComparer.Ordinal);

    /// <summary>GenieACS's stock presets and provisions (bootstrap, default, inform), as its first-run seeding creates them.</summary>
    public MemoryProvisioning WithStock()
    {
        Presets.Add(("bootstrap", "bootstrap", "[]", "0 BOOTSTRAP"));
        Presets.Add(("default", "default", "[]", null));
        Presets.Add(("inform", "inform", "[]", null));
        Provisions["bootstrap"] = StockProvisions.Bootstrap;
        Provisions["default"] = StockProvisions.Default;
        Provisions["inform"] = StockProvisions.Inform;
        return this;
    }

    public MemoryProvisioning With(string channel, string name, string body, string args = "[]", string? onEvent = null)
    {
        Presets.Add((channel, name, args, onEvent));
        Provisions[name] = body;
        return this;
    }

    public ValueTask<IReadOnlyList<ProvisionCall>> MatchAsync(PresetContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<ProvisionCall> calls = [.. Presets
            .Where(p => p.Event is null || context.Events.Contains(p.Event))
            .Select(p => new ProvisionCall(p.Channel, p.Provision, p.Provision, [.. JsonDocument.Parse(p.ArgumentsJson).RootElement.EnumerateArray().Select(e => e.Clone())], null))
            .Concat(Backups.Select(b => new ProvisionCall("backup", b.Preset, ScheduledBackup.Provision, [], null) { Backup = b.Schedule }))];
        return ValueTask.FromResult(calls);
    }

    public ValueTask<ScriptSource?> GetProvisionAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Provisions.TryGetValue(name, out var body) ? ScriptSource.Of(name, body) : null);

    public ValueTask<ScriptSource?> GetVirtualParameterAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(VirtualParameters.TryGetValue(name, out var body) ? ScriptSource.Of(name, body) : null);

    public ValueTask<IReadOnlyList<string>> ListVirtualParametersAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>([.. VirtualParameters.Keys.Order(StringComparer.Ordinal)]);
}
