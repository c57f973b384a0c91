using Palisade.Cwmp;

namespace Palisade.Acs.Tasks;

/// <summary>
/// GenieACS's <c>provisions</c> task: <c>{"name":"provisions","provisions":[["name", arg, …], …]}</c>. The named stored
/// provisions run with their arguments in the device's next session, in a channel of their own, as a preset's would;
/// the task is done when they settle and faulted with the script's fault when they fault (no channel fault is kept:
/// the task's fault says it). The provisioning step runs it.
/// </summary>
/// <param name="Provisions">Each provision's name and its arguments as a JSON array.</param>
public sealed record ProvisionsTask(EquatableList<ProvisionsTask.Call> Provisions) : TaskDefinition
{
    /// <summary>The most provisions one task runs.</summary>
    public const int MaxProvisions = 32;

    /// <summary>The longest arguments of one provision, in characters of JSON.</summary>
    public const int MaxArgumentsLength = 16 * 1024;

    /// <inheritdoc />
    public override string Name => "provisions";

    /// <summary>One provision to run.</summary>
    /// <param name="Provision">The stored provision's name.</param>
    /// <param name="ArgumentsJson">Its <c>args</c>, a JSON array.</param>
    public sealed record Call(string Provision, string ArgumentsJson);
}
