using System.Text.Json;
using Palisade.Acs.SoftwareModules;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;

namespace Palisade.Acs.Tasks;

/// <summary>
/// The JSON of the tasks for the rest of the RPC set (issue 23): scheduleDownload, cancelTransfer,
/// getQueuedTransfers, getAllQueuedTransfers, getRPCMethods and changeDUState; read strictly, and the CPE's answers
/// to them as task results. Text from the CPE in a result is clipped.
/// </summary>
internal static class RpcTaskJson
{
    /// <summary>The names read here.</summary>
    public static readonly string[] Names = ["scheduleDownload", "cancelTransfer", "getQueuedTransfers", "getAllQueuedTransfers", "getRPCMethods", "changeDUState"];

    private const int MaxListed = 1000;

    /// <summary>The task named <paramref name="name"/>, or null when the name is not one of these.</summary>
    public static TaskDefinition? Parse(string name, JsonElement task) => name switch
    {
        "scheduleDownload" => ScheduleDownload(task),
        "cancelTransfer" => new CancelTransferTask(CommandKey(task)),
        "getQueuedTransfers" => new GetQueuedTransfersTask(),
        "getAllQueuedTransfers" => new GetAllQueuedTransfersTask(),
        "getRPCMethods" => new GetRpcMethodsTask(),
        "changeDUState" => new ChangeDuStateTask(Operations(task)),
        _ => null,
    };

    /// <summary>The task result for the CPE's answer to one of these tasks, or null for another answer.</summary>
    public static string? Result(CwmpMessage answer) => answer switch
    {
        GetRPCMethodsResponse methods => Sessions.ResponseApplier.Json(w =>
        {
            w.WriteStartArray("methods");
            foreach (var m in methods.MethodList.Take(MaxListed))
            {
                w.WriteStringValue(Clip(m));
            }

            w.WriteEndArray();
        }),
        GetQueuedTransfersResponse queued => Sessions.ResponseApplier.Json(w =>
        {
            w.WriteStartArray("transfers");
            foreach (var t in queued.TransferList.Take(MaxListed))
            {
                w.WriteStartObject();
                w.WriteString("commandKey", Clip(t.CommandKey));
                w.WriteNumber("state", t.State);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }),
        GetAllQueuedTransfersResponse all => Sessions.ResponseApplier.Json(w =>
        {
            w.WriteStartArray("transfers");
            foreach (var t in all.TransferList.Take(MaxListed))
            {
                w.WriteStartObject();
                w.WriteString("commandKey", Clip(t.CommandKey));
                w.WriteNumber("state", t.State);
                w.WriteBoolean("isDownload", t.IsDownload);
                w.WriteString("fileType", Clip(t.FileType));
                w.WriteNumber("fileSize", t.FileSize);
                w.WriteString("targetFileName", Clip(t.TargetFileName));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }),
        CancelTransferResponse => "{\"cancelled\":true}",
        ScheduleDownloadResponse or ChangeDUStateResponse => "{\"state\":\"pending\"}",
        _ => null,
    };

    private static ScheduleDownloadTask ScheduleDownload(JsonElement task)
    {
        var fileType = String(task, "fileType", required: true, 64);
        var url = String(task, "url", required: true, 1024);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new TaskValidationException("url must be an absolute https:// URL (the agent refuses anything else, and so should every CPE).");
        }

        var size = task.TryGetProperty("fileSize", out var s)
            ? s.TryGetUInt32(out var v) ? v : throw new TaskValidationException("fileSize must be a whole number of bytes.")
            : 0u;
        if (!task.TryGetProperty("timeWindows", out var windows) || windows.ValueKind != JsonValueKind.Array || windows.GetArrayLength() is 0 or > 2)
        {
            throw new TaskValidationException("timeWindows must be an array of one or two windows (TR-069 A.4.1.8).");
        }

        var list = new List<TimeWindowStruct>();
        uint previousEnd = 0;
        foreach (var window in windows.EnumerateArray())
        {
            if (window.ValueKind != JsonValueKind.Object
                || !window.TryGetProperty("start", out var start) || !start.TryGetUInt32(out var from)
                || !window.TryGetProperty("end", out var end) || !end.TryGetUInt32(out var to) || to < from || (list.Count > 0 && from < previousEnd))
            {
                throw new TaskValidationException("Each time window has start and end, seconds from now, with start <= end, and a second window starts after the first ends.");
            }

            var mode = String(window, "mode", required: false, 64) is { Length: > 0 } m ? m : ScheduleDownloadTask.WindowModes[0];
            if (!ScheduleDownloadTask.WindowModes.Contains(mode, StringComparer.Ordinal))
            {
                throw new TaskValidationException($"mode must be one of: {string.Join(", ", ScheduleDownloadTask.WindowModes)}.");
            }

            var retries = window.TryGetProperty("maxRetries", out var r) ? r.TryGetInt32(out var n) && n >= -1 ? n : throw new TaskValidationException("maxRetries must be -1 or more.") : -1;
            list.Add(new TimeWindowStruct(from, to, mode, String(window, "userMessage", required: false, 256), retries));
            previousEnd = to;
        }

        return new ScheduleDownloadTask(fileType, url, size, String(task, "targetFileName", required: false, 256), list);
    }

    private static string CommandKey(JsonElement task)
    {
        if (task.TryGetProperty("taskId", out var id))
        {
            return id.TryGetInt64(out var n) && n > 0 ? TaskCommandKey.For(n) : throw new TaskValidationException("taskId must be the id of a download, scheduleDownload or upload task.");
        }

        var key = String(task, "commandKey", required: true, 32);
        return key;
    }

    private static List<DeploymentUnitOperation> Operations(JsonElement task)
    {
        if (!task.TryGetProperty("operations", out var operations) || operations.ValueKind != JsonValueKind.Array || operations.GetArrayLength() is 0 or > ChangeDuStateTask.MaxOperations)
        {
            throw new TaskValidationException($"operations must be an array of 1 to {ChangeDuStateTask.MaxOperations} operations.");
        }

        var list = new List<DeploymentUnitOperation>();
        foreach (var o in operations.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Object)
            {
                throw new TaskValidationException("Each operation is an object with \"op\": install, update or uninstall.");
            }

            var op = String(o, "op", required: true, 16);
            list.Add(op switch
            {
                "install" => new InstallOperation(HttpsUrl(o, required: true), Uuid(o, required: false), string.Empty, string.Empty, String(o, "executionEnvRef", required: false, 256)),
                "update" => new UpdateOperation(Uuid(o, required: true), String(o, "version", required: false, 32), HttpsUrl(o, required: false), string.Empty, string.Empty),
                "uninstall" => new UninstallOperation(Uuid(o, required: true), String(o, "version", required: false, 32), String(o, "executionEnvRef", required: false, 256)),
                _ => throw new TaskValidationException("op must be install, update or uninstall."),
            });
        }

        return list;
    }

    private static string HttpsUrl(JsonElement o, bool required)
    {
        var url = String(o, "url", required, 1024);
        if (url.Length > 0 && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new TaskValidationException("A deployment unit's url must be an absolute https:// URL.");
        }

        return url;
    }

    private static string Uuid(JsonElement o, bool required)
    {
        var uuid = String(o, "uuid", required, 36);
        if (uuid.Length > 0 && !Guid.TryParseExact(uuid, "D", out _))
        {
            throw new TaskValidationException("uuid must be a UUID like 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");
        }

        return uuid;
    }

    private static string String(JsonElement obj, string property, bool required, int max)
    {
        if (!obj.TryGetProperty(property, out var value))
        {
            return required ? throw new TaskValidationException($"'{property}' is required.") : string.Empty;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new TaskValidationException($"'{property}' must be a string.");
        if (text.Length > max || text.Any(char.IsControl) || (required && text.Length == 0))
        {
            throw new TaskValidationException($"'{property}' must be {(required ? "1" : "0")} to {max} printable characters.");
        }

        return text;
    }

    private static string Clip(string text) => Palisade.Cwmp.ClientText.Shorten(text, 256);
}
