using System.Text.Json;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// One provision that a matched preset asks to run in a session, in the order the presets' weights set.
/// </summary>
/// <param name="Channel">The preset's channel: a fault of this call blocks only the calls of the same channel.</param>
/// <param name="Preset">The preset that asked for it.</param>
/// <param name="Provision">The provision's name (look it up with <see cref="IProvisionCatalog.GetProvisionAsync"/>); for an
/// <paramref name="Inline"/> script, the generated script's name.</param>
/// <param name="Args">The configuration's <c>args</c>, as the script sees them in <c>args</c> (empty when none).</param>
/// <param name="Inline">The script to run instead of a stored provision: the preset's legacy configurations
/// (<c>value</c>, <c>add_tag</c>, <c>delete_tag</c>, <c>add_object</c>, <c>delete_object</c>) as generated
/// <c>declare()</c> calls; null for a stored provision.</param>
public sealed record ProvisionCall(string Channel, string Preset, string Provision, IReadOnlyList<JsonElement> Args, ScriptSource? Inline)
{
    /// <summary>
    /// For a preset's <c>backup</c> configuration: the preset's schedule, whose open window gets one configuration backup
    /// (<see cref="IScheduledBackups"/>); no script runs. Null for a script.
    /// </summary>
    public PresetSchedule? Backup { get; init; }
}
