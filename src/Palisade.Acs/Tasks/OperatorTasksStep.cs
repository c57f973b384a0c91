using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Cwmp;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tasks;

/// <summary>
/// Runs the device's queued operator tasks, in queue order, one RPC each. A task without a single RPC of its own
/// (moveToHttps) is offered to the other steps, which run it themselves. The answer becomes the task's result, a
/// fault its fault; a later TransferComplete that names the task (by its command key) closes a download or upload.
/// </summary>
public sealed class OperatorTasksStep(ISessionStore store, int maxAttempts) : ISessionStep
{
    /// <summary>The device's storage bounds: an answer that passes them faults its task with 8004 (null: not checked here).</summary>
    public DeviceLimits? Limits { get; init; }

    /// <inheritdoc />
    public string Name => "tasks";

    /// <inheritdoc />
    public async ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.IsFirstContact || session.QueuedTasks == false)
        {
            // A device seen for the first time has no tasks yet; one whose lease was taken with none queued has none
            // (the store told so in the lease's round trip).
            return;
        }

        var tasks = await store.TakeQueuedTasksAsync(session.Id, session.Now, cancellationToken).ConfigureAwait(false);
        if (tasks.Count > 0)
        {
            SessionMetrics.Tasks("running", tasks.Count);
        }

        foreach (var task in tasks)
        {
            Run(session, task);
        }
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

        session.Counters.TasksDone.Increment();
        var now = session.Now;
        if (rpc.Request is SetParameterValuesRequest { } write && write.ParameterList.FirstOrDefault(p => p.Name.EndsWith("ManagementServer.URL", StringComparison.Ordinal)) is { } url)
        {
            // An audited URL write: the BOOTSTRAP that follows at the new ACS is expected.
            session.Changes.Device = session.Changes.Device with { AcsUrl = url.Value.Text, AcsUrlSetAt = now };
        }

        var before = session.Changes.Parameters.Count;
        var result = ResponseApplier.Apply(session.Changes, rpc.Request, answer, now);
        if (Limits is not null && ParameterBounds.Check(session.Changes.Parameters, before, Limits) is { } excess)
        {
            // Faulted once, not redelivered: the same answer would pass the bounds again. The engine drops the excess.
            session.SetTaskOutcome(task.Id, DeviceTaskStatus.Faulted, null, new TaskFault(FaultCode.AcsResourcesExceeded, "The answer passes this device's storage bounds (" + excess + "); the excess was not stored.", null));
            return ValueTask.CompletedTask;
        }

        session.SetTaskOutcome(task.Id, DeviceTaskStatus.Done, result, null);
        return ValueTask.CompletedTask;
    }

    /// <summary>A TransferComplete that closes a download or upload of this step; other requests go on to the next step.</summary>
    public async ValueTask<bool> CpeRequestAsync(CwmpSession session, CwmpMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (request is not TransferCompleteRequest transfer || TaskCommandKey.TaskIdFrom(transfer.CommandKey) is not { } taskId)
        {
            return false;
        }

        // Only a transfer this ACS sent to this device, that the device said it would complete later, and that is still
        // outstanding: a cancelled task, one never sent, a reboot or a transfer already closed stays as it is.
        // Tasks another step ran (moveToHttps) are left to that step.
        if (await session.GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false) is not { } task || !IsOutstandingTransfer(task))
        {
            return false;
        }

        var fault = transfer.Fault;
        if (fault.IsSuccess)
        {
            session.SetTaskOutcome(taskId, DeviceTaskStatus.Done, "{\"state\":\"completed\"}", null);
        }
        else
        {
            session.SetTaskOutcome(taskId, DeviceTaskStatus.Faulted, null, new TaskFault(fault.FaultCode, fault.FaultString, "TransferComplete"));
        }

        return true;
    }

    // A Download or Upload answered with status 1 ("completes later", TR-069 A.3.2.8): done, with state "pending" until its TransferComplete.
    private static bool IsOutstandingTransfer(DeviceTask task)
    {
        return task.Status == DeviceTaskStatus.Done && task.Name is ("download" or "upload" or "scheduleDownload")
            && TaskResultState.Is(task.Result, TaskResultState.Pending);
    }

    private void Run(CwmpSession session, DeviceTask task)
    {
        // Taking it counted this session: a task the device never answered (it died, or the session broke) ends here.
        if (task.Attempts > maxAttempts)
        {
            session.Counters.TasksFaulted.Increment();
            session.Changes.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Faulted, task.Result, ResponseApplier.LocalFault(
                $"The device was sent this task in {maxAttempts} sessions and never answered it; it was given up so that the tasks behind it can run. Retry it once the device is healthy.")) { AttemptDelta = -1 });
            return;
        }

        var (definition, error) = ResponseApplier.Definition(task);
        if (definition is null)
        {
            session.SetTaskOutcome(task.Id, DeviceTaskStatus.Faulted, null, ResponseApplier.LocalFault("The stored task is not valid: " + error));
            return;
        }

        foreach (var step in session.Steps)
        {
            if (!ReferenceEquals(step, this) && step.TryRunTask(session, task, definition))
            {
                return;
            }
        }

        var rpc = definition.ToRequest(TaskCommandKey.For(task.Id));
        if (rpc is null)
        {
            session.SetTaskOutcome(task.Id, DeviceTaskStatus.Faulted, null, ResponseApplier.LocalFault($"No session step of this ACS runs {definition.Name} tasks."));
            return;
        }

        if (!CwmpMethods.ExistsIn(rpc.MethodName, session.Version))
        {
            session.SetTaskOutcome(task.Id, DeviceTaskStatus.Faulted, null,
                new TaskFault(FaultCode.MethodNotSupported, $"{rpc.MethodName} does not exist in CWMP {CwmpVersions.ToText(session.Version)}, the version this device speaks.", null));
            return;
        }

        session.Enqueue(new SessionRpc(this, rpc, task));
    }
}
