using Microsoft.Extensions.Logging;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tasks;

/// <summary>
/// Runs <see cref="MoveToHttpsTask"/>s in their two steps: the probe upload to a one-time address on the https ACS,
/// then, once the device reported it done and the probe arrived, the new ManagementServer.URL. The device's URL is
/// never changed on an unproven claim.
/// </summary>
public sealed class MoveToHttpsStep(ReachabilityProbes probes, ILogger logger) : ISessionStep
{
    /// <inheritdoc />
    public string Name => "move-to-https";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public bool TryRunTask(CwmpSession session, DeviceTask task, TaskDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(task);
        if (definition is not MoveToHttpsTask move)
        {
            return false;
        }

        session.Enqueue(new SessionRpc(this, move.ProbeRequest(TaskCommandKey.For(task.Id), probes.TokenFor(task.Id)), task) { State = new Probe(move) });
        return true;
    }

    /// <inheritdoc />
    public async ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(rpc);
        var task = rpc.Task!;
        if (session.TryFaultTask(task.Id, answer))
        {
            return;
        }

        switch (rpc.State)
        {
            case Probe probe when answer is UploadResponse upload:
                if (upload.Status == 0)
                {
                    // Uploaded already: no TransferComplete follows (TR-069 A.3.2.9), so decide now.
                    await ContinueAsync(session, task, probe.Move, 0, string.Empty, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    session.SetTaskOutcome(task.Id, DeviceTaskStatus.Done, Result(MoveToHttpsTask.CheckingState, probe.Move), null);
                }

                break;

            case Move move:
                var now = session.Now;
                session.Counters.TasksDone.Increment();
                ResponseApplier.Apply(session.Changes, rpc.Request, answer, now);
                session.Changes.Device = session.Changes.Device with { AcsUrl = move.Task.Url, AcsUrlSetAt = now };
                session.SetTaskOutcome(task.Id, DeviceTaskStatus.Done, Result("moved", move.Task), null);
                SessionLog.MovedToHttps(logger, session.Id.ToString(), move.Task.Url);
                break;
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> CpeRequestAsync(CwmpSession session, CwmpMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (request is not TransferCompleteRequest transfer || TaskCommandKey.TaskIdFrom(transfer.CommandKey) is not { } taskId
            || await session.GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false) is not { Name: "moveToHttps" } task)
        {
            return false;
        }

        // Only a move waiting for its probe goes on; a repeated TransferComplete must not undo a finished move.
        if (task.Status == DeviceTaskStatus.Done && task.Result?.Contains(MoveToHttpsTask.CheckingState, StringComparison.Ordinal) == true
            && ResponseApplier.Definition(task).Definition is MoveToHttpsTask move)
        {
            await ContinueAsync(session, task, move, transfer.Fault.FaultCode, transfer.Fault.FaultString, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    // After the probe upload: move the device only if it reported success AND the probe reached this ACS over https.
    private async Task ContinueAsync(CwmpSession session, DeviceTask task, MoveToHttpsTask move, int faultCode, string faultString, CancellationToken cancellationToken)
    {
        var arrived = await probes.TakeArrivalAsync(task.Id, cancellationToken).ConfigureAwait(false);
        if (faultCode == 0 && arrived)
        {
            // Back to queued until the device accepts the new URL: a session that ends first leaves the task to be redone.
            session.SetTaskOutcome(task.Id, DeviceTaskStatus.Queued, Result("reachable", move), null);
            var root = session.Device.DataModelRoot ?? "Device.";
            session.Enqueue(new SessionRpc(this, move.MoveRequest(root, TaskCommandKey.For(task.Id)), task) { State = new Move(move) });
            return;
        }

        var origin = move.Origin;
        var reason = faultCode != 0
            ? $"The device could not reach {origin} over https ({faultCode} {faultString}). Its ACS URL was left unchanged; check that it can resolve and reach the host and trusts the ACS's CA, then retry the task."
            : $"The device reported the probe upload as done, but it never arrived at this ACS over https (or the ACS restarted meanwhile). Its ACS URL was left unchanged; retry the task.";
        session.Counters.TasksFaulted.Increment();
        session.SetTaskOutcome(task.Id, DeviceTaskStatus.Faulted, null, new TaskFault(faultCode, reason, "moveToHttps"));
        SessionLog.MoveRefused(logger, session.Id.ToString(), origin, faultCode);
    }

    private static string Result(string state, MoveToHttpsTask move) => ResponseApplier.Json(w =>
    {
        w.WriteString("state", state);
        w.WriteString("url", move.Url);
    });

    private sealed record Probe(MoveToHttpsTask Move);

    private sealed record Move(MoveToHttpsTask Task);
}
