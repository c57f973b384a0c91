using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Provisioning.Scripts;
using Palisade.Acs.Sessions;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>Presets, provisions, virtual parameters and channel faults in memory, as the provisioning step sees the store.</summary>
internal sealed class MemoryProvisioning : IProvisioningSource, IChannelFaultLog
{
    public List<(string Channel, string Provision, string ArgumentsJson, string? Event)> Presets { get; } = [];

    public Dictionary<string, string> Provisions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> VirtualParameters { get; } = new(StringComparer.Ordinal);

    public Dictionary<(DeviceId, string), (ScriptFault Fault, int Retries, DateTimeOffset RetryAfter)> Faults { get; } = [];

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

    public ValueTask<IReadOnlyList<ProvisioningChannel>> MatchAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        var events = session.Inform.Events.Select(e => e.EventCode).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<ProvisioningChannel> channels = Presets
            .Where(p => p.Event is null || events.Contains(p.Event))
            .GroupBy(p => p.Channel)
            .Select(g => new ProvisioningChannel(g.Key, [.. g.Select(p => new ProvisionInvocation(p.Provision, Provisions.GetValueOrDefault(p.Provision), null, p.ArgumentsJson))]))
            .ToList();
        return ValueTask.FromResult(channels);
    }

    public ValueTask<ProvisionInvocation?> GetVirtualParameterAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(VirtualParameters.TryGetValue(name, out var body) ? new ProvisionInvocation(name, body, null, "[]") : null);

    public ValueTask<IReadOnlyList<ChannelFaultState>> GetAsync(DeviceId device, CancellationToken cancellationToken)
    {
        IReadOnlyList<ChannelFaultState> list = [.. Faults.Where(f => f.Key.Item1 == device).Select(f => new ChannelFaultState(f.Key.Item2, f.Value.Retries, f.Value.RetryAfter))];
        return ValueTask.FromResult(list);
    }

    public ValueTask RecordAsync(DeviceId device, string channel, ScriptFault fault, int retries, DateTimeOffset retryAfter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Faults[(device, channel)] = (fault, retries, retryAfter);
        return ValueTask.CompletedTask;
    }

    public ValueTask ClearAsync(DeviceId device, string channel, CancellationToken cancellationToken)
    {
        Faults.Remove((device, channel));
        return ValueTask.CompletedTask;
    }
}
