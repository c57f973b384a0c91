using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Provisioning.Scripts;

namespace Palisade.Acs.Provisioning;

/// <summary>One channel within one session: its compiled provisions, where it stands, and its last declarations when they can be reused without running the scripts again.</summary>
internal sealed class ChannelState(string name, IReadOnlyList<(CompiledScript Script, string ArgumentsJson)> calls, bool hadFault)
{
    public string Name { get; } = name;

    public IReadOnlyList<(CompiledScript Script, string ArgumentsJson)> Calls { get; } = calls;

    /// <summary>The channel had an unexpired fault when the session began (cleared if it now runs cleanly).</summary>
    public bool HadFault { get; } = hadFault;

    public ChannelStatus Status { get; set; } = ChannelStatus.Active;

    public ScriptFault? Fault { get; set; }

    /// <summary>
    /// The declarations of the last run, kept when no script read a result or called ext: running such scripts again
    /// declares exactly the same (their only inputs are the device id, the session's clock and their args), so later
    /// rounds evaluate the declarations again instead of the scripts.
    /// </summary>
    public ChannelRound? Reusable { get; set; }

    public List<string> Log { get; } = [];

    /// <summary>The task this channel runs (<c>provisions</c>, or a task of virtual parameters), or null for a preset's channel.</summary>
    public Storage.DeviceTask? Task { get; init; }

    /// <summary>A task of virtual parameters whose result is their values (<see cref="VirtualParameterTasks"/>); null otherwise.</summary>
    public Tasks.TaskDefinition? Definition { get; init; }

    public void Faulted(ScriptFault fault)
    {
        Status = ChannelStatus.Faulted;
        Fault = fault;
    }
}

/// <summary>Where a channel stands in its session.</summary>
internal enum ChannelStatus
{
    Active,
    Settled,
    Faulted,
}
