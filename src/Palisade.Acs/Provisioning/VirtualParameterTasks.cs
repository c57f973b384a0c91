using System.Text.Json;
using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// getParameterValues and setParameterValues tasks of <c>VirtualParameters.*</c>: run as a channel of their own, by one
/// fixed script that declares each name, so that a read runs the virtual parameter's script for a fresh value and a
/// write runs it with the value given (GenieACS's semantics); the task's result is the values, as a device's read is.
/// </summary>
internal static class VirtualParameterTasks
{
    public const string Body = """
        const now = Date.now();
        for (const name of args.get) declare(name, {value: now});
        for (const [name, value, type] of args.set) declare(name, {value: now}, {value: [value, type]});
        """;

    public static readonly string Sha256 = ScriptHash.Of(Body);

    /// <summary>The script's <c>args</c> for the task.</summary>
    public static string Arguments(TaskDefinition definition)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("get");
            foreach (var name in (definition as GetParameterValuesTask)?.ParameterNames ?? [])
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            TaskJson.WriteParameterValues(w, "set", (definition as SetParameterValuesTask)?.ParameterValues ?? []);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The task's result: the values now in the view, as a device's getParameterValues gives them; a write's status.</summary>
    public static string Result(TaskDefinition definition, DeviceView view)
    {
        if (definition is not GetParameterValuesTask get)
        {
            return Sessions.ResponseApplier.Json(w => w.WriteNumber("status", 0));
        }

        return Sessions.ResponseApplier.Json(w =>
        {
            w.WriteStartArray("parameterValues");
            foreach (var name in get.ParameterNames)
            {
                if (view.Get(name) is { Value: { } value } node)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(name);
                    w.WriteStringValue(value);
                    w.WriteStringValue("xsd:" + (node.Type ?? "string"));
                    w.WriteEndArray();
                }
            }

            w.WriteEndArray();
        });
    }
}
