using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.SoftwareModules;

/// <summary>
/// Closes <see cref="ChangeDuStateTask"/>s when the CPE reports their DUStateChangeComplete (done when every operation
/// succeeded, faulted with the first failure otherwise; the result lists every operation), and after any DU state
/// change, the CPE's or the ACS's, reads the device's <c>SoftwareModules.</c> subtree into the cache in the same
/// session: the deployment and execution units are then on the device record, in the API
/// (<c>GET /devices/{id}?subtree=Device.SoftwareModules.</c>) and in filters.
/// </summary>
public sealed class SoftwareModulesStep : ISessionStep
{
    /// <inheritdoc />
    public string Name => "software-modules";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public async ValueTask<bool> CpeRequestAsync(CwmpSession session, CwmpMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        switch (request)
        {
            case DUStateChangeCompleteRequest change:
                Refresh(session);
                if (TaskCommandKey.TaskIdFrom(change.CommandKey) is { } taskId
                    && await session.GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false) is { Name: "changeDUState", Status: DeviceTaskStatus.Done } task
                    && IsPending(task.Result))
                {
                    var results = EventHistoryStep.Results(change.Results);
                    var failed = change.Results.FirstOrDefault(r => !r.Fault.IsSuccess);
                    session.SetTaskOutcome(taskId, failed is null ? DeviceTaskStatus.Done : DeviceTaskStatus.Faulted, failed is null ? results : null,
                        failed is null ? null : new TaskFault(failed.Fault.FaultCode, Clip(failed.Fault.FaultString), results));
                    return true;
                }

                return false;

            case AutonomousDUStateChangeCompleteRequest:
                Refresh(session);
                return false;

            default:
                return false;
        }
    }

    /// <inheritdoc />
    public ValueTask AnswerAsync(CwmpSession session, SessionRpc rpc, CwmpMessage answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(rpc);

        // A device without the SoftwareModules object answers 9005: nothing to record.
        if (answer is GetParameterValuesResponse)
        {
            ResponseApplier.Apply(session.Changes, rpc.Request, answer, session.Now);
        }

        return ValueTask.CompletedTask;
    }

    private void Refresh(CwmpSession session)
    {
        if (session.GetStepState<object>(this) is not null)
        {
            return;
        }

        session.SetStepState(this, true);
        var root = session.Device.DataModelRoot ?? "Device.";
        if (!root.EndsWith('.'))
        {
            root += ".";
        }

        session.Enqueue(new SessionRpc(this, new GetParameterValuesRequest(new EquatableList<string>([root + "SoftwareModules."]))));
    }

    private static bool IsPending(string? result) => TaskResultState.Is(result, TaskResultState.Pending);

    private static string Clip(string text) => ClientText.Cut(text, 256);
}
