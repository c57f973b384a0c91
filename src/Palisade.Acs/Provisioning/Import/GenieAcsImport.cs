using System.Text.Json;
using System.Text.Json.Nodes;
using Palisade.Acs.Services;

namespace Palisade.Acs.Provisioning.Import;

/// <summary>
/// Translates what a GenieACS NBI returns for <c>GET /presets</c>, <c>/provisions</c> and <c>/virtual_parameters</c>
/// into Palisade's presets and scripts, with the same checks the API makes, and says what cannot be translated and why.
/// It writes nothing: the caller writes the plan through the API, where the permission and the audit apply.
/// </summary>
public static class GenieAcsImport
{
    /// <summary>Builds the plan from the three NBI answers (each a JSON array; null when it was not read).</summary>
    public static ImportPlan Plan(JsonNode? presets, JsonNode? provisions, JsonNode? virtualParameters, ProvisioningLimits limits, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var items = new List<ImportItem>();
        var refusals = new List<ImportRefusal>();
        var warnings = new List<string>();
        Scripts(provisions, "provision", limits, items, refusals);
        Scripts(virtualParameters, "virtual parameter", limits, items, refusals);
        var provisionNames = items.Where(i => i.Kind == "provision").Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, document) in Documents(presets, "preset", refusals))
        {
            var body = new JsonObject();
            foreach (var (key, value) in document)
            {
                if (key != "_id")
                {
                    body[key] = value?.DeepClone();
                }
            }

            try
            {
                var preset = PresetDocument.Parse(name, body, limits, now);
                items.Add(new ImportItem("preset", name, PresetDocument.ToJson(preset), null));
                foreach (var missing in preset.Configurations.Where(c => !c.IsLegacy && !provisionNames.Contains(c.Name)).Select(c => c.Name).Distinct())
                {
                    warnings.Add($"preset '{name}' runs provision '{missing}', which is not imported: until it exists, the preset faults its channel with script.missing.");
                }
            }
            catch (ServiceException e)
            {
                refusals.Add(new ImportRefusal("preset", name, (e.Field is null ? string.Empty : e.Field + ": ") + e.Message));
            }
        }

        return new ImportPlan(items, refusals, warnings);
    }

    private static void Scripts(JsonNode? answer, string kind, ProvisioningLimits limits, List<ImportItem> items, List<ImportRefusal> refusals)
    {
        foreach (var (name, document) in Documents(answer, kind, refusals))
        {
            if (document["script"] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                refusals.Add(new ImportRefusal(kind, name, "it has no script"));
                continue;
            }

            var script = v.GetValue<string>();
            var reason = !ProvisioningNames.IsValid(name) ? "the name is not " + ProvisioningNames.Rule
                : string.IsNullOrWhiteSpace(script) ? "the script is empty"
                : script.Length > limits.MaxScriptChars ? $"the script is longer than {limits.MaxScriptChars} characters"
                : ScriptSyntax.Check(name, script) is { } error ? "the script does not parse in strict mode: " + error
                : null;
            if (reason is null)
            {
                items.Add(new ImportItem(kind, name, null, script));
            }
            else
            {
                refusals.Add(new ImportRefusal(kind, name, reason));
            }
        }
    }

    private static IEnumerable<(string Name, JsonObject Document)> Documents(JsonNode? answer, string kind, List<ImportRefusal> refusals)
    {
        if (answer is null)
        {
            yield break;
        }

        if (answer is not JsonArray array)
        {
            refusals.Add(new ImportRefusal(kind, "*", "the NBI did not answer a JSON array"));
            yield break;
        }

        foreach (var node in array)
        {
            if (node is JsonObject o && o["_id"] is JsonValue id && id.GetValueKind() == JsonValueKind.String)
            {
                yield return (id.GetValue<string>(), o);
            }
            else
            {
                refusals.Add(new ImportRefusal(kind, "?", "an entry without a string _id"));
            }
        }
    }
}
