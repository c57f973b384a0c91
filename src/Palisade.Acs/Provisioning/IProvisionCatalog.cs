namespace Palisade.Acs.Provisioning;

/// <summary>
/// The provisioning policy as a session step needs it: which provisions run for a device now, and the scripts by
/// name. Implementations keep what they read cached, so that matching a session costs no store read; every write
/// through the services invalidates the cache.
/// </summary>
public interface IProvisionCatalog
{
    /// <summary>
    /// The provisions of every preset that matches <paramref name="context"/> (events, precondition, schedule), ordered
    /// by the presets' weight (then name), each configuration in the preset's order. Legacy configurations become
    /// <see cref="ProvisionCall.Inline"/> scripts. Channel faults are not looked at: the caller skips the calls of a
    /// channel that <see cref="IChannelFaults"/> says is waiting for its retry.
    /// </summary>
    ValueTask<IReadOnlyList<ProvisionCall>> MatchAsync(PresetContext context, CancellationToken cancellationToken);

    /// <summary>The current version of a provision, or null when there is none by that name.</summary>
    ValueTask<ScriptSource?> GetProvisionAsync(string name, CancellationToken cancellationToken);

    /// <summary>The current version of a virtual parameter's script, or null when there is none by that name.</summary>
    ValueTask<ScriptSource?> GetVirtualParameterAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// False when no preset could match any session (there are none, or none runs anything): the step may then skip
    /// loading the device's parameters for <see cref="MatchAsync"/>. True when unknown.
    /// </summary>
    ValueTask<bool> AnyPresetsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    /// <summary>The names of all virtual parameters, sorted (what <c>VirtualParameters.*</c> expands to).</summary>
    ValueTask<IReadOnlyList<string>> ListVirtualParametersAsync(CancellationToken cancellationToken);
}
