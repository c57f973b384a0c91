namespace Palisade.Acs.Provisioning;

/// <summary>
/// A preset, validated: when it applies (events, precondition, schedule), in which order (weight, then name), in which
/// channel, and what it runs.
/// </summary>
/// <param name="Name">Its name.</param>
/// <param name="Weight">Lower weights run first; a later preset's value wins over an earlier one's.</param>
/// <param name="Channel">The channel its faults are kept in (<c>default</c> when none is given).</param>
/// <param name="Events">Event codes that must be in the Inform (true) or must not be (false).</param>
/// <param name="Precondition">The precondition as written (Palisade's filter language or a GenieACS form), empty for all devices.</param>
/// <param name="Schedule">The schedule as written (<c>DURATION CRON</c>), empty for always.</param>
/// <param name="Configurations">What it runs, in order.</param>
public sealed record Preset(
    string Name,
    double Weight,
    string Channel,
    IReadOnlyDictionary<string, bool> Events,
    string Precondition,
    string Schedule,
    IReadOnlyList<PresetConfiguration> Configurations);
