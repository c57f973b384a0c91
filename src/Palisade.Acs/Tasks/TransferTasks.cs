using System.Text.Json;
using Palisade.Cwmp;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Acs.Tasks;

/// <summary>
/// Download a file within time windows the CPE chooses from (TR-069 A.4.1.8). Done with state "pending" once the
/// CPE took it; its TransferComplete closes it, as for a download.
/// </summary>
/// <param name="FileType">e.g. <c>1 Firmware Upgrade Image</c>.</param>
/// <param name="Url">An https URL the CPE fetches the file from.</param>
/// <param name="FileSize">The size in bytes, 0 if unknown.</param>
/// <param name="TargetFileName">The name on the CPE, or empty.</param>
/// <param name="TimeWindows">One or two windows, in seconds from now.</param>
public sealed record ScheduleDownloadTask(string FileType, string Url, uint FileSize, string TargetFileName, IReadOnlyList<TimeWindowStruct> TimeWindows) : TaskDefinition
{
    /// <summary>The window modes of TR-069 A.4.1.8.</summary>
    public static readonly string[] WindowModes = ["1 At Any Time", "2 Immediately", "3 When Idle", "4 Confirmation Needed"];

    /// <inheritdoc />
    public override string Name => "scheduleDownload";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) =>
        new ScheduleDownloadRequest(commandKey, FileType, Url, string.Empty, string.Empty, FileSize, TargetFileName, new EquatableList<TimeWindowStruct>(TimeWindows));

    /// <inheritdoc />
    internal override void WriteFields(Utf8JsonWriter w)
    {
        w.WriteString("fileType", FileType);
        w.WriteString("url", Url);
        w.WriteNumber("fileSize", FileSize);
        w.WriteString("targetFileName", TargetFileName);
        w.WriteStartArray("timeWindows");
        foreach (var t in TimeWindows)
        {
            w.WriteStartObject();
            w.WriteNumber("start", t.WindowStart);
            w.WriteNumber("end", t.WindowEnd);
            w.WriteString("mode", t.WindowMode);
            w.WriteString("userMessage", t.UserMessage);
            w.WriteNumber("maxRetries", t.MaxRetries);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}

/// <summary>Cancel a download or upload the CPE has queued and not started (TR-069 A.4.1.9).</summary>
/// <param name="CommandKey">The transfer's command key (for a task of this ACS: <c>palisade-task-N</c>).</param>
public sealed record CancelTransferTask(string CommandKey) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "cancelTransfer";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new CancelTransferRequest(CommandKey);

    /// <inheritdoc />
    internal override void WriteFields(Utf8JsonWriter w) => w.WriteString("commandKey", CommandKey);
}

/// <summary>The transfers the CPE has queued that this ACS asked for (TR-069 A.4.1.5, deprecated but answered).</summary>
public sealed record GetQueuedTransfersTask : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "getQueuedTransfers";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new GetQueuedTransfersRequest();
}

/// <summary>Every transfer the CPE has queued, whoever asked for it (TR-069 A.4.1.7).</summary>
public sealed record GetAllQueuedTransfersTask : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "getAllQueuedTransfers";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new GetAllQueuedTransfersRequest();
}

/// <summary>The RPC methods the CPE supports (TR-069 A.3.1.1).</summary>
public sealed record GetRpcMethodsTask : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => "getRPCMethods";

    /// <inheritdoc />
    public override CwmpMessage ToRequest(string commandKey) => new GetRPCMethodsRequest();
}
