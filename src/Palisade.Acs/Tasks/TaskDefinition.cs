using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tasks;

/// <summary>
/// What a queued task asks a device to do, validated. The JSON form follows GenieACS's NBI task
/// bodies where one exists (<c>{"name":"getParameterValues","parameterNames":[...]}</c>) so that
/// existing integrations move over with little change; <see cref="TaskJson"/> reads and writes it.
/// </summary>
public abstract record TaskDefinition
{
    /// <summary>The task's name in JSON, e.g. <c>getParameterValues</c>.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The one RPC that carries this task, with <paramref name="commandKey"/> where the RPC has one; null for a task
    /// that a session step of its own runs (moveToHttps), which the operator-task step offers to the steps.
    /// </summary>
    public virtual CwmpMessage? ToRequest(string commandKey) => null;

    /// <summary>
    /// True when the task changes how the device reaches or proves itself to its ACS (its URL or credentials), which
    /// needs the <c>write-management-server</c> permission.
    /// </summary>
    public virtual bool ChangesManagementServer => false;

    /// <summary>Writes the task's own fields after its name (tasks that <see cref="TaskJson"/> does not write itself).</summary>
    internal virtual void WriteFields(System.Text.Json.Utf8JsonWriter writer)
    {
    }
}
