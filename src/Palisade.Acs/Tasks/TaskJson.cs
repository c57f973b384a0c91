using System.Text.Json;
using Palisade.Acs.Services;
using Palisade.Cwmp;
using Palisade.Cwmp.Structs;

namespace Palisade.Acs.Tasks;

/// <summary>
/// Reads and writes <see cref="TaskDefinition"/>s as JSON in GenieACS's NBI shapes. Reading is
/// strict: unknown task names, missing or mistyped fields and invalid parameter paths are a
/// <see cref="TaskValidationException"/>, never a half-understood task.
/// </summary>
public static class TaskJson
{
    /// <summary>The most parameters one task may name.</summary>
    public const int MaxParameters = 10_000;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 8, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses and validates a task body.</summary>
    /// <exception cref="TaskValidationException">The body is not a valid task.</exception>
    public static TaskDefinition Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = StrictJson.ParseDocument(json, DocumentOptions);
            return Parse(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new TaskValidationException($"The task is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Parses and validates a task from a JSON element.</summary>
    /// <exception cref="TaskValidationException">The element is not a valid task.</exception>
    public static TaskDefinition Parse(JsonElement task)
    {
        if (task.ValueKind != JsonValueKind.Object)
        {
            throw new TaskValidationException("A task must be a JSON object.");
        }

        var name = RequiredString(task, "name");
        return name switch
        {
            "getParameterValues" => new GetParameterValuesTask(Unmixed(Names(task, "parameterNames"), n => n)),
            "getParameterNames" => GetParameterNames(task),
            "setParameterValues" => new SetParameterValuesTask(Unmixed(ParameterValues(task), p => p.Name)),
            "getParameterAttributes" => new GetParameterAttributesTask(Names(task, "parameterNames")),
            "setParameterAttributes" => new SetParameterAttributesTask(Attributes(task)),
            "addObject" => new AddObjectTask(ObjectPath(task, instance: false)),
            "deleteObject" => new DeleteObjectTask(ObjectPath(task, instance: true)),
            "reboot" => new RebootTask(),
            "factoryReset" => new FactoryResetTask(),
            "download" => Download(task),
            "upload" => Upload(task),
            "scheduleInform" => new ScheduleInformTask(DelaySeconds(task)),
            "moveToHttps" => new MoveToHttpsTask(HttpsUrl(task)),
            "rotateCredentials" => new RotateCredentialsTask(),
            "refreshObject" => RefreshObject(task),
            "provisions" => Provisions(task),
            "restore" => RestoreTask.Parse(task),
            _ => RpcTaskJson.Parse(name, task) ?? (TaskDefinition?)Diagnostics.DiagnosticTask.Parse(name, task)
                ?? throw new TaskValidationException($"Unknown task name '{Clip(name)}'. Known: getParameterValues, getParameterNames, refreshObject, provisions, restore, setParameterValues, getParameterAttributes, setParameterAttributes, addObject, deleteObject, reboot, factoryReset, download, upload, scheduleInform, moveToHttps, rotateCredentials, {string.Join(", ", RpcTaskJson.Names)}, {string.Join(", ", Diagnostics.DiagnosticKind.All.Select(k => k.Name))}."),
        };
    }

    /// <summary>The JSON form of a task, as stored in the task queue and returned by the API.</summary>
    public static string Serialize(TaskDefinition task)
    {
        ArgumentNullException.ThrowIfNull(task);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("name", task.Name);
            switch (task)
            {
                case GetParameterValuesTask t: StringArray(w, "parameterNames", t.ParameterNames); break;
                case GetParameterAttributesTask t: StringArray(w, "parameterNames", t.ParameterNames); break;
                case RefreshObjectTask t:
                    w.WriteString("objectName", t.ObjectName);
                    break;
                case ProvisionsTask t:
                    w.WriteStartArray("provisions");
                    foreach (var call in t.Provisions)
                    {
                        w.WriteStartArray();
                        w.WriteStringValue(call.Provision);
                        using (var args = JsonDocument.Parse(call.ArgumentsJson))
                        {
                            foreach (var arg in args.RootElement.EnumerateArray())
                            {
                                arg.WriteTo(w);
                            }
                        }

                        w.WriteEndArray();
                    }

                    w.WriteEndArray();
                    break;
                case GetParameterNamesTask t:
                    w.WriteString("parameterPath", t.ParameterPath);
                    w.WriteBoolean("nextLevel", t.NextLevel);
                    break;
                case SetParameterValuesTask t:
                    WriteParameterValues(w, "parameterValues", t.ParameterValues);
                    break;
                case SetParameterAttributesTask t:
                    w.WriteStartArray("parameterAttributes");
                    foreach (var a in t.Attributes)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", a.Name);
                        if (a.NotificationChange)
                        {
                            w.WriteNumber("notification", a.Notification);
                        }

                        if (a.AccessListChange)
                        {
                            StringArray(w, "accessList", a.AccessList);
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    break;
                case AddObjectTask t: w.WriteString("objectName", t.ObjectName); break;
                case DeleteObjectTask t: w.WriteString("objectName", t.ObjectName); break;
                case DownloadTask t:
                    w.WriteString("fileType", t.FileType);
                    if (t.Url.Length > 0)
                    {
                        w.WriteString("url", t.Url);
                    }

                    w.WriteNumber("fileSize", t.FileSize);
                    w.WriteString("targetFileName", t.TargetFileName);
                    if (t.FileName is not null)
                    {
                        w.WriteString("fileName", t.FileName);
                    }

                    if (t.Sha256 is not null)
                    {
                        w.WriteString("sha256", t.Sha256);
                    }

                    break;
                case UploadTask t:
                    w.WriteString("fileType", t.FileType);
                    if (t.Url.Length > 0)
                    {
                        w.WriteString("url", t.Url);
                    }

                    break;
                case ScheduleInformTask t: w.WriteNumber("delaySeconds", t.DelaySeconds); break;
                case MoveToHttpsTask t: w.WriteString("url", t.Url); break;
                default: task.WriteFields(w); break;
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    // GenieACS writes the object without its trailing dot ("InternetGatewayDevice.LANDevice"); both forms are taken.
    // [["name", arg, …], …]: GenieACS's shape; each name a stored provision's, each argument any JSON value.
    private static ProvisionsTask Provisions(JsonElement task)
    {
        if (!task.TryGetProperty("provisions", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > ProvisionsTask.MaxProvisions)
        {
            throw new TaskValidationException($"provisions must be an array of 1 to {ProvisionsTask.MaxProvisions} entries, each [\"name\", args…].");
        }

        var calls = new List<ProvisionsTask.Call>();
        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() == 0 || entry[0].ValueKind != JsonValueKind.String
                || !Provisioning.ProvisioningNames.IsValid(entry[0].GetString()))
            {
                throw new TaskValidationException("Each entry of provisions must be [\"name\", args…] with a valid provision name.");
            }

            var args = "[" + string.Join(',', entry.EnumerateArray().Skip(1).Select(a => a.GetRawText())) + "]";
            if (args.Length > ProvisionsTask.MaxArgumentsLength)
            {
                throw new TaskValidationException($"The arguments of provision '{Clip(entry[0].GetString()!)}' exceed {ProvisionsTask.MaxArgumentsLength} characters of JSON.");
            }

            calls.Add(new ProvisionsTask.Call(entry[0].GetString()!, args));
        }

        return new ProvisionsTask(new EquatableList<ProvisionsTask.Call>([.. calls]));
    }

    private static RefreshObjectTask RefreshObject(JsonElement task)
    {
        var path = OptionalString(task, "objectName") ?? OptionalString(task, "parameterPath") ?? string.Empty;
        if (path.Length > 0 && !path.EndsWith('.'))
        {
            path += ".";
        }

        if (!ParameterPath.IsValid(path, allowEmpty: true) || (path.Length > 0 && !ParameterPath.IsPartial(path)))
        {
            throw new TaskValidationException($"objectName '{Clip(path)}' must be empty (the whole tree) or an object path.");
        }

        return new RefreshObjectTask(path);
    }

    private static GetParameterNamesTask GetParameterNames(JsonElement task)
    {
        var path = OptionalString(task, "parameterPath") ?? OptionalString(task, "objectName") ?? string.Empty;
        if (!ParameterPath.IsValid(path, allowEmpty: true) || (path.Length > 0 && !ParameterPath.IsPartial(path)))
        {
            throw new TaskValidationException($"parameterPath '{Clip(path)}' must be empty or a partial path ending with '.'.");
        }

        var nextLevel = task.TryGetProperty("nextLevel", out var n) ? n.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TaskValidationException("nextLevel must be true or false."),
        } : false;
        return new GetParameterNamesTask(path, nextLevel);
    }

    // VirtualParameters.* are the provisioning step's (their scripts run), the rest the device's: one task is one or the other.
    private static List<T> Unmixed<T>(List<T> items, Func<T, string> name)
    {
        var virtualNames = items.Count(i => name(i).StartsWith(VirtualParameterNames.Prefix, StringComparison.Ordinal));
        if (virtualNames > 0 && virtualNames < items.Count)
        {
            throw new TaskValidationException($"A task reads or writes either {VirtualParameterNames.Prefix}* (their scripts run) or the device's parameters, not both: queue two tasks.");
        }

        return items;
    }

    private static List<ParameterValueStruct> ParameterValues(JsonElement task)
    {
        var list = RequiredArray(task, "parameterValues");
        var result = new List<ParameterValueStruct>(list.GetArrayLength());
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() is < 2 or > 3)
            {
                throw new TaskValidationException("Each parameterValues item must be [name, value] or [name, value, type].");
            }

            var name = item[0].ValueKind == JsonValueKind.String ? item[0].GetString()! : throw new TaskValidationException("A parameter name must be a string.");
            if (!ParameterPath.IsValid(name) || ParameterPath.IsPartial(name))
            {
                throw new TaskValidationException($"'{Clip(name)}' is not a parameter name.");
            }

            if (RotateCredentialsTask.IsAcsCredential(name))
            {
                // The CPE would accept it and the ACS would keep the old one: the device's next Inform would get 401.
                throw new TaskValidationException($"'{Clip(name)}' is the device's own ACS credential and cannot be set by a task: the ACS would not know the new value and the device would be locked out. Queue {{\"name\":\"rotateCredentials\"}} instead: it sets new unique credentials and stores them once the device accepts them.");
            }

            var value = item[1].ValueKind switch
            {
                JsonValueKind.String => item[1].GetString()!,
                JsonValueKind.Number => item[1].GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw new TaskValidationException($"The value of '{Clip(name)}' must be a string, number or boolean."),
            };
            var type = item.GetArrayLength() == 3
                ? item[2].ValueKind == JsonValueKind.String ? item[2].GetString() : throw new TaskValidationException("A parameter type must be a string like \"xsd:string\".")
                : DefaultType(item[1]);
            try
            {
                result.Add(TaskValues.Value(name, value, type));
            }
            catch (CwmpException e)
            {
                throw new TaskValidationException($"Parameter '{Clip(name)}': {e.Message}", e);
            }
        }

        if (result.Count is 0 or > MaxParameters)
        {
            throw new TaskValidationException($"parameterValues must hold 1 to {MaxParameters} items.");
        }

        if (result.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != result.Count)
        {
            throw new TaskValidationException("parameterValues names a parameter more than once (TR-069 A.3.2.1 forbids it).");
        }

        return result;
    }

    private static string DefaultType(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "xsd:boolean",
        JsonValueKind.Number when value.TryGetInt32(out var i) && i >= 0 => "xsd:unsignedInt",
        JsonValueKind.Number when value.TryGetInt32(out _) => "xsd:int",
        JsonValueKind.Number => "xsd:long",
        _ => "xsd:string",
    };

    private static List<SetParameterAttributesStruct> Attributes(JsonElement task)
    {
        var list = RequiredArray(task, "parameterAttributes");
        var result = new List<SetParameterAttributesStruct>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new TaskValidationException("Each parameterAttributes item must be an object {name, notification?, accessList?}.");
            }

            var name = RequiredString(item, "name");
            if (!ParameterPath.IsValid(name))
            {
                throw new TaskValidationException($"'{Clip(name)}' is not a parameter name or partial path.");
            }

            int? notification = item.TryGetProperty("notification", out var n)
                ? n.TryGetInt32(out var v) && v is >= 0 and <= 6 ? v : throw new TaskValidationException("notification must be 0 (off), 1 (passive) or 2 (active).")
                : null;
            IReadOnlyList<string>? access = item.TryGetProperty("accessList", out _) ? StringList(item, "accessList", 16) : null;
            if (notification is null && access is null)
            {
                throw new TaskValidationException($"The attributes of '{Clip(name)}' change neither notification nor accessList.");
            }

            result.Add(new SetParameterAttributesStruct(name, notification is not null, notification ?? 0, access is not null, new EquatableList<string>(access ?? [])));
        }

        if (result.Count is 0 or > MaxParameters)
        {
            throw new TaskValidationException($"parameterAttributes must hold 1 to {MaxParameters} items.");
        }

        return result;
    }

    private static string ObjectPath(JsonElement task, bool instance)
    {
        var path = RequiredString(task, "objectName");
        var ok = instance ? ParameterPath.IsInstance(path) : ParameterPath.IsValid(path) && ParameterPath.IsPartial(path);
        return ok ? path : throw new TaskValidationException(instance
            ? $"objectName '{Clip(path)}' must be an object instance path like Device.IP.Interface.3."
            : $"objectName '{Clip(path)}' must be an object path ending with '.', like Device.IP.Interface.");
    }

    private static DownloadTask Download(JsonElement task)
    {
        var size = task.TryGetProperty("fileSize", out var s)
            ? s.TryGetUInt32(out var v) ? v : throw new TaskValidationException("fileSize must be a whole number of bytes.")
            : 0u;
        var fileName = OptionalString(task, "fileName");
        if (fileName is not null && (fileName.Length is 0 or > 255 || fileName.Contains('/', StringComparison.Ordinal) || fileName.Contains('\\', StringComparison.Ordinal) || fileName is "." or ".."))
        {
            throw new TaskValidationException("fileName must be a plain file name without path separators.");
        }

        // GenieACS's shape names a stored file and no url: the file server's URL is made per device when the task runs.
        var url = fileName is not null && !task.TryGetProperty("url", out _) ? string.Empty : Url(task);
        var sha = OptionalString(task, "sha256");
        if (sha is not null && !Files.FileNames.IsSha256(sha))
        {
            throw new TaskValidationException("sha256 must be 64 lower-case hex digits.");
        }

        return new DownloadTask(RequiredString(task, "fileType"), url, size, OptionalString(task, "targetFileName") ?? string.Empty, fileName) { Sha256 = url.Length == 0 ? sha : null };
    }

    // Without a url, an upload of the configuration goes to the file store as the device's newest backup.
    private static UploadTask Upload(JsonElement task)
    {
        var type = RequiredString(task, "fileType");
        if (!task.TryGetProperty("url", out _))
        {
            return type == Files.FileTypes.VendorConfiguration
                ? new UploadTask(type, string.Empty)
                : throw new TaskValidationException("An upload without a url stores a configuration backup: its fileType must be \"3 Vendor Configuration File\".");
        }

        return new UploadTask(type, Url(task));
    }

    private static string Url(JsonElement task)
    {
        var url = RequiredString(task, "url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || url.Length > 1024)
        {
            throw new TaskValidationException($"url '{Clip(url)}' must be an absolute https:// (or http://) URL of at most 1024 characters.");
        }

        return url;
    }

    // The target of moveToHttps: optional (the server fills in its own), https only, no user info or query.
    private static string HttpsUrl(JsonElement task)
    {
        var url = OptionalString(task, "url") ?? string.Empty;
        if (url.Length > 0 && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || url.Length > 1024
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0))
        {
            throw new TaskValidationException($"url '{Clip(url)}' must be an absolute https:// URL without user name, query or fragment, of at most 1024 characters.");
        }

        return url;
    }

    private static uint DelaySeconds(JsonElement task) =>
        task.TryGetProperty("delaySeconds", out var d) && d.TryGetUInt32(out var v) && v > 0
            ? v
            : throw new TaskValidationException("delaySeconds must be a whole number of seconds greater than 0 (TR-069 A.4.1.4).");

    private static List<string> Names(JsonElement task, string property)
    {
        var names = StringList(task, property, MaxParameters);
        if (names.Count == 0)
        {
            throw new TaskValidationException($"{property} must name at least one parameter.");
        }

        foreach (var name in names)
        {
            if (!ParameterPath.IsValid(name))
            {
                throw new TaskValidationException($"'{Clip(name)}' is not a parameter name or partial path.");
            }
        }

        return names;
    }

    private static List<string> StringList(JsonElement obj, string property, int max)
    {
        var array = RequiredArray(obj, property);
        if (array.GetArrayLength() > max)
        {
            throw new TaskValidationException($"{property} holds more than {max} items.");
        }

        var result = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new TaskValidationException($"{property} must hold strings only."));
        }

        return result;
    }

    private static JsonElement RequiredArray(JsonElement obj, string property) =>
        obj.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value
            : throw new TaskValidationException($"'{property}' is required and must be an array.");

    private static string RequiredString(JsonElement obj, string property) =>
        OptionalString(obj, property) ?? throw new TaskValidationException($"'{property}' is required.");

    private static string? OptionalString(JsonElement obj, string property)
    {
        if (!obj.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new TaskValidationException($"'{property}' must be a string.");
        return text.Length <= 1024 ? text : throw new TaskValidationException($"'{property}' is longer than 1024 characters.");
    }

    private static void StringArray(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
    }

    private static string Clip(string text) => ClientText.Shorten(text, 80);

    /// <summary>Values to set as GenieACS writes them: an array of <c>[name, value, "xsd:type"]</c> under <paramref name="property"/>.</summary>
    internal static void WriteParameterValues(Utf8JsonWriter w, string property, IEnumerable<ParameterValueStruct> values)
    {
        w.WriteStartArray(property);
        foreach (var p in values)
        {
            w.WriteStartArray();
            w.WriteStringValue(p.Name);
            w.WriteStringValue(p.Value.Text);
            w.WriteStringValue("xsd:" + p.Value.TypeName);
            w.WriteEndArray();
        }

        w.WriteEndArray();
    }
}
