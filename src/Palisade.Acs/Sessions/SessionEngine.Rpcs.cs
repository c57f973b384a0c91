using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using Palisade.Security.Secrets;

namespace Palisade.Acs.Sessions;

public sealed partial class SessionEngine
{
    // The methods this ACS answers, by the version that introduced them (GetRPCMethods from a CPE).
    private static readonly string[] AcsMethods =
    [
        "Inform", "GetRPCMethods", "TransferComplete", "AutonomousTransferComplete", "RequestDownload", "Kicked",
        "DUStateChangeComplete", "AutonomousDUStateChangeComplete",
    ];

    private void QueueEnrollment(CwmpSession session)
    {
        var root = session.Device.DataModelRoot ?? "Device.";
        var username = session.Id.ToString();
        var password = PasswordGenerator.Generate();
        var set = new SetParameterValuesRequest(
            [
                new ParameterValueStruct(root + "ManagementServer.Username", ParameterValue.String(username)),
                new ParameterValueStruct(root + "ManagementServer.Password", ParameterValue.String(password)),
            ],
            "palisade-enroll");
        session.Pending.Enqueue(new PendingRpc(RpcPurpose.Enrollment, set, null, null) { Secret = (username, password) });

        if (_authOptions.RotateConnectionRequestCredentials)
        {
            var crUser = "cr-" + PasswordGenerator.Generate(16);
            var crPassword = PasswordGenerator.Generate();
            var cr = new SetParameterValuesRequest(
                [
                    new ParameterValueStruct(root + "ManagementServer.ConnectionRequestUsername", ParameterValue.String(crUser)),
                    new ParameterValueStruct(root + "ManagementServer.ConnectionRequestPassword", ParameterValue.String(crPassword)),
                ],
                "palisade-cr");
            session.Pending.Enqueue(new PendingRpc(RpcPurpose.ConnectionRequestCredentials, cr, null, null) { Secret = (crUser, crPassword) });
        }
    }

    private async Task QueueTasksAsync(CwmpSession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tasks = await _store.TakeQueuedTasksAsync(session.Id, now, cancellationToken).ConfigureAwait(false);
        foreach (var task in tasks)
        {
            var (definition, error) = ResponseApplier.Definition(task);
            if (definition is null)
            {
                session.Changes.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Faulted, null, ResponseApplier.LocalFault("The stored task is not valid: " + error)));
                continue;
            }

            var commandKey = PendingRpc.CommandKeyFor(task.Id);
            var rpc = definition is MoveToHttpsTask move
                ? move.ProbeRequest(commandKey, Reachability.TokenFor(task.Id))
                : definition.ToRequest(commandKey);
            if (!CwmpMethods.ExistsIn(rpc.MethodName, session.Version))
            {
                session.Changes.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Faulted, null,
                    new TaskFault(FaultCode.MethodNotSupported, $"{rpc.MethodName} does not exist in CWMP {CwmpVersions.ToText(session.Version)}, the version this device speaks.", null)));
                continue;
            }

            session.Pending.Enqueue(new PendingRpc(RpcPurpose.Task, rpc, task, definition));
        }
    }

    private void ApplyAnswer(CwmpSession session, PendingRpc rpc, CwmpMessage answer)
    {
        var now = _time.GetUtcNow();
        switch (rpc.Purpose)
        {
            case RpcPurpose.Enrollment when answer is SetParameterValuesResponse:
                var (username, password) = rpc.Secret!.Value;
                session.Changes.Device = session.Changes.Device with { Credentials = _auth.CredentialsFor(username, password) };
                SessionLog.Enrolled(_log, session.Id.ToString());
                break;

            case RpcPurpose.Enrollment when answer is CwmpFault fault:
                SessionLog.EnrollmentRefused(_log, session.Id.ToString(), fault.FaultCode);
                // Without its own credentials the device must not get unique connection-request ones either.
                session.Pending.Clear();
                break;

            case RpcPurpose.ConnectionRequestCredentials when answer is SetParameterValuesResponse:
                var (crUser, crPassword) = rpc.Secret!.Value;
                var device = session.Changes.Device;
                session.Changes.Device = device with
                {
                    ConnectionRequest = new ConnectionRequestEndpoint(device.ConnectionRequest?.Url ?? string.Empty, crUser, crPassword, device.ConnectionRequest?.UdpAddress),
                };
                break;

            case RpcPurpose.Task when answer is CwmpFault fault:
                Counters.TasksFaulted.Increment();
                session.Changes.Tasks.Add(new TaskUpdate(rpc.Task!.Id, DeviceTaskStatus.Faulted, null, ResponseApplier.FaultOf(fault)));
                break;

            case RpcPurpose.Task when rpc.Definition is MoveToHttpsTask move && answer is UploadResponse upload:
                if (upload.Status == 0)
                {
                    // Uploaded already: no TransferComplete follows (TR-069 A.3.2.9), so decide now.
                    ContinueMove(session, rpc.Task!, move, 0, string.Empty);
                }
                else
                {
                    SetTaskOutcome(session, rpc.Task!.Id, DeviceTaskStatus.Done, MoveResult(MoveToHttpsTask.CheckingState, move), null);
                }

                break;

            case RpcPurpose.AcsUrlMove when answer is CwmpFault fault:
                Counters.TasksFaulted.Increment();
                SetTaskOutcome(session, rpc.Task!.Id, DeviceTaskStatus.Faulted, null, ResponseApplier.FaultOf(fault));
                break;

            case RpcPurpose.AcsUrlMove:
                Counters.TasksDone.Increment();
                ResponseApplier.Apply(session.Changes, rpc.Request, answer, now);
                var moved = (MoveToHttpsTask)rpc.Definition!;
                session.Changes.Device = session.Changes.Device with { AcsUrl = moved.Url, AcsUrlSetAt = now };
                SetTaskOutcome(session, rpc.Task!.Id, DeviceTaskStatus.Done, MoveResult("moved", moved), null);
                SessionLog.MovedToHttps(_log, session.Id.ToString(), moved.Url);
                break;

            case RpcPurpose.Task:
                Counters.TasksDone.Increment();
                if (rpc.Request is SetParameterValuesRequest { } write && write.ParameterList.FirstOrDefault(p => p.Name.EndsWith("ManagementServer.URL", StringComparison.Ordinal)) is { } url)
                {
                    // An audited URL write: the BOOTSTRAP that follows at the new ACS is expected.
                    session.Changes.Device = session.Changes.Device with { AcsUrl = url.Value.Text, AcsUrlSetAt = now };
                }

                var result = ResponseApplier.Apply(session.Changes, rpc.Request, answer, now);
                session.Changes.Tasks.Add(new TaskUpdate(rpc.Task!.Id, DeviceTaskStatus.Done, result, null));
                break;
        }
    }

    private async Task<CwmpMessage> AnswerCpeRequestAsync(CwmpSession session, CwmpMessage request, CancellationToken cancellationToken)
    {
        switch (request)
        {
            case GetRPCMethodsRequest:
                return new GetRPCMethodsResponse([.. AcsMethods.Where(m => CwmpMethods.ExistsIn(m, session.Version))]);

            case TransferCompleteRequest transfer:
                await RecordTransferAsync(session, transfer.CommandKey, transfer.Fault, cancellationToken).ConfigureAwait(false);
                return new TransferCompleteResponse();

            case AutonomousTransferCompleteRequest:
                return new AutonomousTransferCompleteResponse();

            case DUStateChangeCompleteRequest:
                return new DUStateChangeCompleteResponse();

            case AutonomousDUStateChangeCompleteRequest:
                return new AutonomousDUStateChangeCompleteResponse();

            case RequestDownloadRequest:
                return new RequestDownloadResponse();

            case KickedRequest kicked:
                return new KickedResponse(kicked.Next);

            default:
                return new CwmpFault(FaultCode.AcsMethodNotSupported);
        }
    }

    // A TransferComplete names the task by its command key; only this device's tasks can be completed by it.
    private async Task RecordTransferAsync(CwmpSession session, string commandKey, TransferFault fault, CancellationToken cancellationToken)
    {
        if (PendingRpc.TaskIdFrom(commandKey) is not { } taskId)
        {
            return;
        }

        var task = await _store.GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false);
        if (task is null || task.DeviceId != session.Id)
        {
            return;
        }

        if (task.Name == "moveToHttps")
        {
            // Only a move waiting for its probe goes on; a repeated TransferComplete must not undo a finished move.
            if (task.Status == DeviceTaskStatus.Done && task.Result?.Contains(MoveToHttpsTask.CheckingState, StringComparison.Ordinal) == true
                && ResponseApplier.Definition(task).Definition is MoveToHttpsTask move)
            {
                ContinueMove(session, task, move, fault.FaultCode, fault.FaultString);
            }

            return;
        }

        if (fault.IsSuccess)
        {
            SetTaskOutcome(session, taskId, DeviceTaskStatus.Done, "{\"state\":\"completed\"}", null);
        }
        else
        {
            SetTaskOutcome(session, taskId, DeviceTaskStatus.Faulted, null, new TaskFault(fault.FaultCode, fault.FaultString, "TransferComplete"));
        }
    }

    // After the probe upload: move the device only if it reported success AND the probe reached this ACS over https.
    private void ContinueMove(CwmpSession session, DeviceTask task, MoveToHttpsTask move, int faultCode, string faultString)
    {
        var arrived = Reachability.TakeArrival(task.Id);
        if (faultCode == 0 && arrived)
        {
            // Back to queued until the device accepts the new URL: a session that ends first leaves the task to be redone.
            SetTaskOutcome(session, task.Id, DeviceTaskStatus.Queued, MoveResult("reachable", move), null);
            var root = session.Device.DataModelRoot ?? "Device.";
            session.Pending.Enqueue(new PendingRpc(RpcPurpose.AcsUrlMove, move.MoveRequest(root, PendingRpc.CommandKeyFor(task.Id)), task, move));
            return;
        }

        var origin = move.Origin;
        var reason = faultCode != 0
            ? $"The device could not reach {origin} over https ({faultCode} {faultString}). Its ACS URL was left unchanged; check that it can resolve and reach the host and trusts the ACS's CA, then retry the task."
            : $"The device reported the probe upload as done, but it never arrived at this ACS over https (or the ACS restarted meanwhile). Its ACS URL was left unchanged; retry the task.";
        Counters.TasksFaulted.Increment();
        SetTaskOutcome(session, task.Id, DeviceTaskStatus.Faulted, null, new TaskFault(faultCode, reason, "moveToHttps"));
        SessionLog.MoveRefused(_log, session.Id.ToString(), origin, faultCode);
    }

    private static void SetTaskOutcome(CwmpSession session, long taskId, DeviceTaskStatus status, string? result, TaskFault? fault)
    {
        session.Changes.Tasks.RemoveAll(t => t.TaskId == taskId);
        session.Changes.Tasks.Add(new TaskUpdate(taskId, status, result, fault));
    }

    private static string MoveResult(string state, MoveToHttpsTask move) => ResponseApplier.Json(w =>
    {
        w.WriteString("state", state);
        w.WriteString("url", move.Url);
    });
}
