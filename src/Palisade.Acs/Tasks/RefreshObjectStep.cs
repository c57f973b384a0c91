using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Cwmp;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tasks;

/// <summary>
/// Runs <see cref="RefreshObjectTask"/>s: GetParameterNames of the subtree (which also drops cached names the device no
/// longer has), then GetParameterValues of the parameters found, in batches. The task is done when every batch is
/// answered, with the number of values read; a fault of either RPC faults it.
/// </summary>
public sealed class RefreshObjectStep : ISessionStep
{
    /// <summary>The most names one GetParameterValues asks for.</summary>
    public const int BatchSize = 256;

    /// <inheritdoc />
    public string Name => "refreshObject";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public bool TryRunTask(CwmpSession session, DeviceTask task, TaskDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (definition is not RefreshObjectTask refresh)
        {
            return false;
        }

        session.Enqueue(new SessionRpc(this, new GetParameterNamesRequest(refresh.ObjectName, false), task));
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

        ResponseApplier.Apply(session.Changes, rpc.Request, answer, session.Now);
        if (answer is GetParameterNamesResponse listed && rpc.Request is GetParameterNamesRequest asked)
        {
            var leaves = listed.ParameterList.Select(p => p.Name)
                .Where(n => !n.EndsWith('.') && n.StartsWith(asked.ParameterPath, StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal).ToList();
            if (leaves.Count == 0)
            {
                Done(session, task, 0);
                return ValueTask.CompletedTask;
            }

            var progress = new Progress(leaves.Chunk(BatchSize).Count());
            foreach (var batch in leaves.Chunk(BatchSize))
            {
                session.Enqueue(new SessionRpc(this, new GetParameterValuesRequest(new EquatableList<string>(batch)), task) { State = progress });
            }

            return ValueTask.CompletedTask;
        }

        if (answer is GetParameterValuesResponse values && rpc.State is Progress state)
        {
            state.Values += values.ParameterList.Count;
            if (--state.Pending == 0)
            {
                Done(session, task, state.Values);
            }

            return ValueTask.CompletedTask;
        }

        session.SetTaskOutcome(task.Id, DeviceTaskStatus.Faulted, null, ResponseApplier.LocalFault("The device answered refreshObject with " + answer.MethodName + "."));
        return ValueTask.CompletedTask;
    }

    private static void Done(CwmpSession session, DeviceTask task, int values)
    {
        session.Counters.TasksDone.Increment();
        session.SetTaskOutcome(task.Id, DeviceTaskStatus.Done, ResponseApplier.Json(w => w.WriteNumber("parameterCount", values)), null);
    }

    // Shared by the batches of one task within one session (a session is one request at a time).
    private sealed class Progress(int pending)
    {
        public int Pending { get; set; } = pending;

        public int Values { get; set; }
    }
}
