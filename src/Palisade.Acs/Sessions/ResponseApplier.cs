using System.Text.Json;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Sessions;

/// <summary>
/// Applies a CPE's answer to an ACS RPC to the session's pending changes: what it tells about the parameter tree
/// goes into the cache, and the task gets its result. Nothing here touches the store; the session commits once.
/// </summary>
internal static class ResponseApplier
{
    /// <summary>Values of secret parameters are never cached (CPEs return them empty anyway, TR-069 A.3.2.1).</summary>
    public static string Redact(string name, string value) =>
        value.Length > 0 && SecretParameters.IsSecret(name) ? string.Empty : value;

    /// <summary>True when the answer type fits the request sent.</summary>
    public static bool Answers(CwmpMessage request, CwmpMessage answer) =>
        answer is CwmpFault || answer.MethodName == request.MethodName + "Response";

    /// <summary>Applies a successful answer; returns the task's result document (JSON), or null for none.</summary>
    public static string? Apply(SessionChanges changes, CwmpMessage request, CwmpMessage answer, DateTimeOffset now)
    {
        switch (answer)
        {
            case GetParameterValuesResponse answered:
                // Only what was asked is cached or served: a name the ACS never requested is the CPE's invention.
                IReadOnlyList<string> requested = request is GetParameterValuesRequest r ? r.ParameterNames : [];
                var gpv = answered with { ParameterList = [.. answered.ParameterList.Where(p => ParameterBounds.IsAsked(requested, p.Name))] };
                foreach (var p in gpv.ParameterList)
                {
                    changes.Parameters.Add(new CachedParameter(p.Name, Redact(p.Name, p.Value.Text), p.Value.TypeName, null, null, null, now));
                }

                return Json(w =>
                {
                    w.WriteStartArray("parameterValues");
                    foreach (var p in gpv.ParameterList)
                    {
                        w.WriteStartArray();
                        w.WriteStringValue(p.Name);
                        w.WriteStringValue(Redact(p.Name, p.Value.Text));
                        w.WriteStringValue("xsd:" + p.Value.TypeName);
                        w.WriteEndArray();
                    }

                    w.WriteEndArray();
                });

            case GetParameterNamesResponse listed:
                var gpn = request is GetParameterNamesRequest names
                    ? listed with { ParameterList = [.. listed.ParameterList.Where(p => ParameterBounds.IsAsked([names.ParameterPath], p.Name))] }
                    : listed;
                foreach (var p in gpn.ParameterList)
                {
                    changes.Parameters.Add(new CachedParameter(p.Name, null, null, p.Writable, null, null, null));
                }

                if (request is GetParameterNamesRequest { NextLevel: false } listing && (listing.ParameterPath.Length == 0 || listing.ParameterPath.EndsWith('.')))
                {
                    changes.ListedSubtrees.Add(new SubtreeListing(listing.ParameterPath, gpn.ParameterList.Select(p => p.Name).ToHashSet(StringComparer.Ordinal)));
                }

                return Json(w => w.WriteNumber("parameterCount", gpn.ParameterList.Count));

            case GetParameterAttributesResponse attributes:
                IReadOnlyList<string> asked = request is GetParameterAttributesRequest attributesRequest ? attributesRequest.ParameterNames : [];
                var gpa = attributes with { ParameterList = [.. attributes.ParameterList.Where(p => ParameterBounds.IsAsked(asked, p.Name))] };
                foreach (var p in gpa.ParameterList)
                {
                    changes.Parameters.Add(new CachedParameter(p.Name, null, null, null, p.Notification, string.Join(',', p.AccessList), null));
                }

                return Json(w => w.WriteNumber("parameterCount", gpa.ParameterList.Count));

            case SetParameterValuesResponse spv:
                if (request is SetParameterValuesRequest set)
                {
                    foreach (var p in set.ParameterList)
                    {
                        changes.Parameters.Add(new CachedParameter(p.Name, Redact(p.Name, p.Value.Text), p.Value.TypeName, null, null, null, now));
                    }
                }

                return Json(w => w.WriteNumber("status", spv.Status));

            case SetParameterAttributesResponse:
                if (request is SetParameterAttributesRequest setAttributes)
                {
                    foreach (var a in setAttributes.ParameterList)
                    {
                        changes.Parameters.Add(new CachedParameter(
                            a.Name, null, null, null,
                            a.NotificationChange ? a.Notification : null,
                            a.AccessListChange ? string.Join(',', a.AccessList) : null,
                            null));
                    }
                }

                return null;

            case AddObjectResponse add when request is AddObjectRequest addRequest:
                var instance = $"{addRequest.ObjectName}{add.InstanceNumber}.";
                changes.Parameters.Add(new CachedParameter(instance, null, null, true, null, null, now));
                return Json(w =>
                {
                    w.WriteNumber("instanceNumber", add.InstanceNumber);
                    w.WriteString("object", instance);
                    w.WriteNumber("status", add.Status);
                });

            case DeleteObjectResponse delete when request is DeleteObjectRequest deleteRequest:
                changes.RemovedSubtrees.Add(deleteRequest.ObjectName);
                changes.Parameters.RemoveAll(p => p.Path.StartsWith(deleteRequest.ObjectName, StringComparison.Ordinal));
                return Json(w => w.WriteNumber("status", delete.Status));

            case DownloadResponse download:
                return Json(w =>
                {
                    w.WriteNumber("status", download.Status);
                    w.WriteString("state", download.Status == 0 ? TaskResultState.Completed : TaskResultState.Pending);
                });

            case UploadResponse upload:
                return Json(w =>
                {
                    w.WriteNumber("status", upload.Status);
                    w.WriteString("state", upload.Status == 0 ? TaskResultState.Completed : TaskResultState.Pending);
                });

            default:
                return RpcTaskJson.Result(answer);
        }
    }

    /// <summary>The stored form of a CWMP fault, with per-parameter SetParameterValues faults as JSON detail.</summary>
    public static TaskFault FaultOf(CwmpFault fault)
    {
        string? detail = null;
        if (fault.SetParameterValuesFaults.Count > 0)
        {
            detail = Json(w =>
            {
                w.WriteStartArray("setParameterValuesFaults");
                foreach (var f in fault.SetParameterValuesFaults)
                {
                    w.WriteStartObject();
                    w.WriteString("parameterName", f.ParameterName);
                    w.WriteNumber("faultCode", f.FaultCode);
                    w.WriteString("faultString", f.FaultString);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        }

        return new TaskFault(fault.FaultCode, fault.FaultString, detail);
    }

    /// <summary>A fault raised by the ACS itself for a task it could not send.</summary>
    public static TaskFault LocalFault(string message) => new(0, message, null);

    /// <summary>A small JSON object written by <paramref name="body"/> (task results and fault details).</summary>
    public static string Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The task definition behind a stored task, or the reason it cannot be run.</summary>
    public static (TaskDefinition? Definition, string? Error) Definition(DeviceTask task)
    {
        try
        {
            return (TaskJson.Parse(task.Payload), null);
        }
        catch (TaskValidationException e)
        {
            return (null, e.Message);
        }
    }
}
