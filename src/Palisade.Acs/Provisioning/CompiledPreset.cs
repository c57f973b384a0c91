using Palisade.Acs.Query;

namespace Palisade.Acs.Provisioning;

/// <summary>A preset ready to match: its events split, its precondition parsed, its schedule parsed, its calls built.</summary>
internal sealed class CompiledPreset
{
    private readonly Filter? _filter;
    private readonly string _precondition;
    private readonly bool _relative;

    public CompiledPreset(Preset preset, DateTimeOffset now)
    {
        Preset = preset;
        Required = [.. preset.Events.Where(e => e.Value).Select(e => e.Key)];
        Excluded = [.. preset.Events.Where(e => !e.Value).Select(e => e.Key)];
        _precondition = Preconditions.Translate(preset.Precondition);
        // "now-1h" is resolved when the filter is parsed: such a precondition is parsed again for each session.
        _filter = Preconditions.Parse(preset.Precondition, now, out _relative);
        Schedule = preset.Schedule.Length == 0 ? null : PresetSchedule.Parse(preset.Schedule);
        Calls = [.. preset.Configurations.Select(c => c.Type == "backup" && Schedule is not null
            ? new ProvisionCall(preset.Channel, preset.Name, ScheduledBackup.Provision, [], null) { Backup = Schedule }
            : c.IsLegacy
            ? LegacyConfigurations.Call(preset, c)
            : new ProvisionCall(preset.Channel, preset.Name, c.Name, c.Args, null))];
    }

    public Preset Preset { get; }

    /// <summary>True when the precondition says <c>now</c>, so that it is parsed again for each session's time.</summary>
    public bool Relative => _relative;

    public string[] Required { get; }

    public string[] Excluded { get; }

    public PresetSchedule? Schedule { get; }

    public IReadOnlyList<ProvisionCall> Calls { get; }

    public bool Matches(PresetContext context)
    {
        foreach (var code in Required)
        {
            if (!context.Events.Contains(code, StringComparer.Ordinal))
            {
                return false;
            }
        }

        foreach (var code in Excluded)
        {
            if (context.Events.Contains(code, StringComparer.Ordinal))
            {
                return false;
            }
        }

        if (Schedule is not null && !Schedule.IsOpen(context.Now))
        {
            return false;
        }

        var filter = _relative ? FilterParser.Parse(_precondition, context.Now) : _filter;
        return filter is null || PreconditionEvaluator.Matches(filter, context);
    }
}
