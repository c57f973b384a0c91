using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp;
using Palisade.Cwmp.Events;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Diagnostics;

/// <summary>
/// Runs <see cref="DiagnosticTask"/>s. First session: one SetParameterValues of the inputs and
/// <c>DiagnosticsState=Requested</c>; the task stays queued with the result <c>{"state":"requested"}</c> (its attempt
/// not counted). A later session whose Inform carries <c>8 DIAGNOSTICS COMPLETE</c> (or this one, if the CPE sends it
/// again at once) reads the diagnostic's object and ends the task: done with every result parameter in camelCase
/// (tables as arrays) when DiagnosticsState is Complete, faulted with the state when it is an Error_…; a diagnostic
/// still running keeps the task waiting. Results are not cached in the parameter tree.
/// </summary>
public sealed class DiagnosticsStep : ISessionStep
{
    private const string Requested = "{\"state\":\"requested\"}";

    /// <inheritdoc />
    public string Name => "diagnostics";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public bool TryRunTask(CwmpSession session, DeviceTask task, TaskDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(task);
        if (definition is not DiagnosticTask diagnostic)
        {
            return false;
        }

        var root = session.Device.DataModelRoot ?? "Device.";
        if (diagnostic.Kind.ObjectFor(root.EndsWith('.') ? root : root + ".") is not { } path)
        {
            session.SetTaskOutcome(task.Id, DeviceTaskStatus.Faulted, null, ResponseApplier.LocalFault($"{diagnostic.Name} has no object in this device's data model ({root})."));
            return true;
        }

        if (task.Result == Requested)
        {
            if (session.Inform.Events.Any(e => e.EventCode == EventCodes.DiagnosticsComplete))
            {
                session.Enqueue(new SessionRpc(this, new GetParameterValuesRequest(new EquatableList<string>([path])), task) { State = path });
            }
            else
            {
                Wait(session, task.Id);
            }

            return true;
        }

        var values = new List<ParameterValueStruct>();
        foreach (var (key, value) in diagnostic.Arguments)
        {
            var input = diagnostic.Kind.Inputs.First(i => i.Json == key);
            values.Add(new ParameterValueStruct(path + input.Parameter, input.Number ? ParameterValue.UnsignedInt(uint.Parse(value, System.Globalization.CultureInfo.InvariantCulture)) : ParameterValue.String(value)));
        }

        values.Add(new ParameterValueStruct(path + "DiagnosticsState", ParameterValue.String("Requested")));
        session.Enqueue(new SessionRpc(this, new SetParameterValuesRequest(new EquatableList<ParameterValueStruct>(values), TaskCommandKey.For(task.Id)), task));
        return true;
    }

    /// <inheritdoc />
    public ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(rpc);
        var task = rpc.Task!;
        if (session.TryFaultTask(task.Id, answer))
        {
            return ValueTask.CompletedTask;
        }

        switch (answer)
        {
            case SetParameterValuesResponse:
                Wait(session, task.Id);
                break;

            case GetParameterValuesResponse values when rpc.State is string path:
                var state = values.ParameterList.FirstOrDefault(p => p.Name == path + "DiagnosticsState")?.Value.Text ?? string.Empty;
                if (state is "Requested" or "None" or "")
                {
                    // Another diagnostic completed; this one is still running.
                    Wait(session, task.Id);
                    break;
                }

                var result = DiagnosticResult.Json(task.Name, path, values.ParameterList);
                if (state == "Complete")
                {
                    session.Counters.TasksDone.Increment();
                    session.SetTaskOutcome(task.Id, DeviceTaskStatus.Done, result, null);
                }
                else
                {
                    session.Counters.TasksFaulted.Increment();
                    session.SetTaskOutcome(task.Id, DeviceTaskStatus.Faulted, null, new TaskFault(0, "The diagnostic ended with " + Clip(state) + ".", result));
                }

                break;
        }

        return ValueTask.CompletedTask;
    }

    // Still waiting for 8 DIAGNOSTICS COMPLETE: queued again, and this session's take of it not counted as an attempt.
    private static void Wait(CwmpSession session, long taskId)
    {
        session.Changes.Tasks.RemoveAll(t => t.TaskId == taskId);
        session.Changes.Tasks.Add(new TaskUpdate(taskId, DeviceTaskStatus.Queued, Requested, null) { AttemptDelta = -1 });
    }

    private static string Clip(string text) => ClientText.Cut(text, 64);
}
