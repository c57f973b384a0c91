using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Sessions;

/// <summary>Why the ACS sends an RPC: an operator's queued task, or the ACS's own enrollment step.</summary>
internal enum RpcPurpose
{
    Task,
    Enrollment,
    ConnectionRequestCredentials,

    /// <summary>The second step of a moveToHttps task: the new ManagementServer.URL, sent once the probe arrived.</summary>
    AcsUrlMove,
}

/// <summary>One ACS→CPE RPC waiting to be sent or waiting for its answer.</summary>
internal sealed record PendingRpc(RpcPurpose Purpose, CwmpMessage Request, DeviceTask? Task, TaskDefinition? Definition)
{
    /// <summary>For enrollment steps: the user name and password being set.</summary>
    public (string Username, string Password)? Secret { get; init; }

    /// <summary>The command or parameter key that ties the CPE's later reports (TransferComplete) to the task.</summary>
    public static string CommandKeyFor(long taskId) => "task-" + taskId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The task id in a command key this ACS issued, or null.</summary>
    public static long? TaskIdFrom(string? commandKey) =>
        commandKey is not null && commandKey.StartsWith("task-", StringComparison.Ordinal)
        && long.TryParse(commandKey.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    public override string ToString() => $"PendingRpc {{ {Purpose} {Request.MethodName} task={Task?.Id} }}";
}
