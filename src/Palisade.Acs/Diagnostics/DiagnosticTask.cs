using System.Globalization;
using System.Text.Json;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Diagnostics;

/// <summary>
/// A TR-143 diagnostic run by the CPE (ipPing, traceRoute, downloadDiagnostics, uploadDiagnostics, nsLookup,
/// udpEcho): <see cref="DiagnosticsStep"/> sets its inputs and DiagnosticsState=Requested, waits for
/// <c>8 DIAGNOSTICS COMPLETE</c> in this or a later session, and reads the results into the task result.
/// </summary>
/// <param name="Kind">Which diagnostic.</param>
/// <param name="Arguments">The inputs by their camelCase name, as text (numbers in decimal).</param>
public sealed record DiagnosticTask(DiagnosticKind Kind, IReadOnlyDictionary<string, string> Arguments) : TaskDefinition
{
    /// <inheritdoc />
    public override string Name => Kind.Name;

    /// <summary>Reads a diagnostic task, strictly: only the kind's inputs, numbers as whole numbers within their range, text bounded.</summary>
    public static DiagnosticTask? Parse(string name, JsonElement task)
    {
        if (DiagnosticKind.Find(name) is not { } kind)
        {
            return null;
        }

        var arguments = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in task.EnumerateObject())
        {
            if (property.Name == "name")
            {
                continue;
            }

            var input = kind.Inputs.FirstOrDefault(i => i.Json == property.Name)
                ?? throw new TaskValidationException($"{name} has no input '{Clip(property.Name)}'; it takes {string.Join(", ", kind.Inputs.Select(i => i.Json))}.");
            if (input.Number)
            {
                arguments[input.Json] = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetUInt32(out var n) && n >= input.Min && n <= input.Max
                    ? n.ToString(CultureInfo.InvariantCulture)
                    : throw new TaskValidationException($"{input.Json} must be a whole number from {input.Min} to {input.Max}.");
            }
            else
            {
                var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : throw new TaskValidationException($"{input.Json} must be a string.");
                if (text.Length > 1024 || text.Any(char.IsControl))
                {
                    throw new TaskValidationException($"{input.Json} must be at most 1024 printable characters.");
                }

                arguments[input.Json] = text;
            }
        }

        if (kind.Inputs.FirstOrDefault(i => i.Required && !arguments.ContainsKey(i.Json)) is { } missing)
        {
            throw new TaskValidationException($"{name} needs '{missing.Json}'.");
        }

        return new DiagnosticTask(kind, arguments);
    }

    /// <inheritdoc />
    internal override void WriteFields(Utf8JsonWriter w)
    {
        foreach (var (key, value) in Arguments)
        {
            if (Kind.Inputs.First(i => i.Json == key).Number)
            {
                w.WriteNumber(key, uint.Parse(value, CultureInfo.InvariantCulture));
            }
            else
            {
                w.WriteString(key, value);
            }
        }
    }

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
