using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using Palisade.Security.Secrets;

namespace Palisade.Acs.Auth;

/// <summary>
/// Runs <see cref="RotateCredentialsTask"/>s: a SetParameterValues of new, unique ManagementServer.Username and
/// .Password. The stored credential changes in the same commit as the task's success, never before the device
/// accepted it; a device that refuses keeps its old one.
/// </summary>
public sealed class CredentialRotationStep(AuthenticationOptions options) : ISessionStep
{
    /// <inheritdoc />
    public string Name => "credential-rotation";

    /// <inheritdoc />
    public ValueTask OpenAsync(CwmpSession session, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public bool TryRunTask(CwmpSession session, DeviceTask task, TaskDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(task);
        if (definition is not RotateCredentialsTask)
        {
            return false;
        }

        var root = session.Device.DataModelRoot ?? "Device.";

        // A new user name too: while a device that applies the change only at its next boot (status 1) still presents
        // the old credential, the ACS tells the two apart by the name.
        var username = session.Id.ToString() + "-" + PasswordGenerator.Generate(16);
        var password = PasswordGenerator.Generate();
        var set = new SetParameterValuesRequest(
            [
                new ParameterValueStruct(root + "ManagementServer.Username", ParameterValue.String(username)),
                new ParameterValueStruct(root + "ManagementServer.Password", ParameterValue.String(password)),
            ],
            TaskCommandKey.For(task.Id));
        session.Enqueue(new SessionRpc(this, set, task) { State = new NewCredential(username, password) });
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

        var status = answer is SetParameterValuesResponse spv ? spv.Status : 0;
        var (username, password) = (NewCredential)rpc.State!;
        var device = session.Changes.Device;
        session.Changes.Device = device with { Credentials = CredentialChange.Accepted(options, device.Credentials, username, password, status) };
        session.Counters.TasksDone.Increment();
        session.SetTaskOutcome(task.Id, DeviceTaskStatus.Done, ResponseApplier.Json(w =>
        {
            w.WriteNumber("status", status);
            w.WriteString("username", username);
        }), null);
        return ValueTask.CompletedTask;
    }

    private sealed record NewCredential(string Username, string Password)
    {
        public override string ToString() => "NewCredential { }";
    }
}
