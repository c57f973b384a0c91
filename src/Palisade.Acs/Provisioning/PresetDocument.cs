using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Palisade.Acs.Query;
using Palisade.Acs.Services;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// Reads a preset from GenieACS's JSON shape, checking every field, and writes it back in the same shape. A mistake is
/// a <see cref="ServiceException"/> (400) naming the field.
/// </summary>
public static class PresetDocument
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal) { "_id", "name", "weight", "channel", "events", "precondition", "schedule", "configurations" };

    /// <summary>Reads and checks a preset named <paramref name="name"/> from <paramref name="body"/>.</summary>
    /// <exception cref="ServiceException">Anything is wrong; nothing is half-read.</exception>
    public static Preset Parse(string name, JsonNode? body, ProvisioningLimits limits, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (!ProvisioningNames.IsValid(name))
        {
            throw ServiceException.Invalid("name", "A preset name is " + ProvisioningNames.Rule + ".");
        }

        if (body is not JsonObject o)
        {
            throw ServiceException.Invalid("body", "A preset is a JSON object: {\"weight\":0,\"channel\":\"default\",\"events\":{…},\"precondition\":\"…\",\"schedule\":\"…\",\"configurations\":[…]}.");
        }

        if (body.ToJsonString().Length > limits.MaxPresetChars)
        {
            throw ServiceException.Invalid("body", $"A preset is at most {limits.MaxPresetChars} characters of JSON.");
        }

        foreach (var (key, _) in o)
        {
            if (!Fields.Contains(key))
            {
                throw ServiceException.Invalid(key, $"Unknown preset field '{Clip(key)}': a preset has weight, channel, events, precondition, schedule and configurations.");
            }
        }

        var weight = Weight(o["weight"]);
        var channel = o["channel"] is null ? "default" : Text(o["channel"], "channel");
        if (channel.Length == 0)
        {
            channel = "default";
        }

        if (!ProvisioningNames.IsValid(channel))
        {
            throw ServiceException.Invalid("channel", "A channel name is " + ProvisioningNames.Rule + ".");
        }

        var events = Events(o["events"], limits);
        var precondition = Precondition(o["precondition"], now);
        var schedule = o["schedule"] is null ? string.Empty : Text(o["schedule"], "schedule").Trim();
        if (schedule.Length > 0)
        {
            try
            {
                PresetSchedule.Parse(schedule);
            }
            catch (FormatException e)
            {
                throw ServiceException.Invalid("schedule", e.Message);
            }
        }

        var configurations = Configurations(o["configurations"], limits);
        if (schedule.Length == 0 && configurations.Any(c => c.Type == "backup"))
        {
            throw ServiceException.Invalid("schedule", "A preset with a backup configuration needs a schedule: it backs each device up once per window of it (e.g. \"3600 0 3 * * 0\", Sundays 03:00-04:00 UTC).");
        }

        return new Preset(name, weight, channel, events, precondition, schedule, configurations);
    }

    /// <summary>The preset in GenieACS's shape (what <c>GET</c> returns and the store keeps).</summary>
    public static JsonObject ToJson(Preset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        var events = new JsonObject();
        foreach (var (code, present) in preset.Events)
        {
            events[code] = present;
        }

        return new JsonObject
        {
            ["weight"] = preset.Weight,
            ["channel"] = preset.Channel,
            ["events"] = events,
            ["precondition"] = preset.Precondition,
            ["schedule"] = preset.Schedule,
            ["configurations"] = new JsonArray([.. preset.Configurations.Select(c => (JsonNode)Configuration(c))]),
        };
    }

    private static JsonObject Configuration(PresetConfiguration c)
    {
        var o = new JsonObject { ["type"] = c.Type };
        switch (c.Type)
        {
            case "provision":
                o["name"] = c.Name;
                o["args"] = c.Args.Count == 0 ? null : new JsonArray([.. c.Args.Select(a => JsonNode.Parse(a.GetRawText()))]);
                break;
            case "add_tag" or "delete_tag":
                o["tag"] = c.Name;
                break;
            case "backup":
                break;
            case "add_object" or "delete_object":
                o["name"] = c.Name;
                o["object"] = c.Object;
                break;
            case "age":
                o["name"] = c.Name;
                o["age"] = c.Value is { } age ? JsonNode.Parse(age.GetRawText()) : null;
                break;
            default:
                o["name"] = c.Name;
                o["value"] = c.Value is { } value ? JsonNode.Parse(value.GetRawText()) : null;
                break;
        }

        return o;
    }

    private static double Weight(JsonNode? node)
    {
        if (node is null)
        {
            return 0;
        }

        var element = node.GetValueKind();
        double weight;
        if (element == JsonValueKind.Number)
        {
            weight = node.GetValue<double>();
        }
        else if (element == JsonValueKind.String && double.TryParse(node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            weight = parsed;
        }
        else
        {
            throw ServiceException.Invalid("weight", "weight is a number.");
        }

        return double.IsFinite(weight) && Math.Abs(weight) <= 1e9 ? weight : throw ServiceException.Invalid("weight", "weight is a number between -1e9 and 1e9.");
    }

    private static Dictionary<string, bool> Events(JsonNode? node, ProvisioningLimits limits)
    {
        var events = new Dictionary<string, bool>(StringComparer.Ordinal);
        switch (node)
        {
            case null:
                break;
            case JsonObject o:
                foreach (var (code, value) in o)
                {
                    events[EventCode(code)] = value?.GetValueKind() switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw ServiceException.Invalid("events", $"The event '{Clip(code)}' must map to true (required) or false (excluded)."),
                    };
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                // GenieACS 1.1's form: "1 BOOT, -0 BOOTSTRAP".
                foreach (var item in v.GetValue<string>().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var excluded = item.StartsWith('-');
                    events[EventCode(excluded ? item[1..].Trim() : item)] = !excluded;
                }

                break;
            default:
                throw ServiceException.Invalid("events", "events is an object of event codes, e.g. {\"0 BOOTSTRAP\":true,\"1 BOOT\":false}.");
        }

        return events.Count <= limits.MaxEvents ? events : throw ServiceException.Invalid("events", $"A preset has at most {limits.MaxEvents} event conditions.");
    }

    private static string EventCode(string code)
    {
        if (code.Length is 0 or > 64 || code.Any(char.IsControl))
        {
            throw ServiceException.Invalid("events", $"'{Clip(code)}' is not an event code (1 to 64 printable characters, e.g. \"1 BOOT\").");
        }

        return code;
    }

    private static string Precondition(JsonNode? node, DateTimeOffset now)
    {
        var text = node switch
        {
            null => string.Empty,
            JsonObject query => query.ToJsonString(), // GenieACS 1.1 sometimes stored the query itself rather than its text.
            _ => Text(node, "precondition"),
        };

        try
        {
            Preconditions.Parse(text, now);
        }
        catch (FilterException e)
        {
            throw ServiceException.Invalid("precondition", "The precondition is not valid: " + e.Message);
        }

        return text.Trim();
    }

    private static List<PresetConfiguration> Configurations(JsonNode? node, ProvisioningLimits limits)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw ServiceException.Invalid("configurations", "configurations is an array.");
        }

        if (array.Count > limits.MaxConfigurations)
        {
            throw ServiceException.Invalid("configurations", $"A preset has at most {limits.MaxConfigurations} configurations.");
        }

        var list = new List<PresetConfiguration>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            list.Add(Configuration(array[i], $"configurations[{i}]"));
        }

        return list;
    }

    private static PresetConfiguration Configuration(JsonNode? node, string field)
    {
        if (node is not JsonObject o || o["type"] is not JsonValue typeNode || typeNode.GetValueKind() != JsonValueKind.String)
        {
            throw ServiceException.Invalid(field, "Each configuration is an object with a type: " + string.Join(", ", PresetConfiguration.Types) + ".");
        }

        var type = typeNode.GetValue<string>();
        switch (type)
        {
            case "provision":
                var name = Text(o["name"], field + ".name");
                if (!ProvisioningNames.IsValid(name))
                {
                    throw ServiceException.Invalid(field + ".name", "A provision name is " + ProvisioningNames.Rule + ".");
                }

                IReadOnlyList<JsonElement> args = o["args"] switch
                {
                    null => [],
                    JsonArray a => [.. a.Select(x => JsonSerializer.SerializeToElement(x))],
                    _ => throw ServiceException.Invalid(field + ".args", "args is an array (or null)."),
                };
                return new PresetConfiguration(type, name, null, null, args);
            case "value":
                return new PresetConfiguration(type, ParameterPath(o["name"], field + ".name"), Scalar(o["value"], field + ".value"), null, []);
            case "age":
                var age = Scalar(o["age"], field + ".age");
                if (age.ValueKind != JsonValueKind.Number && !(age.ValueKind == JsonValueKind.String && double.TryParse(age.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
                {
                    throw ServiceException.Invalid(field + ".age", "age is a number of seconds.");
                }

                return new PresetConfiguration(type, ParameterPath(o["name"], field + ".name"), age, null, []);
            case "add_tag" or "delete_tag":
                var tag = Text(o["tag"] ?? o["name"], field + ".tag");
                if (tag.Length is 0 or > 128 || tag.Any(char.IsControl))
                {
                    throw ServiceException.Invalid(field + ".tag", "A tag is 1 to 128 printable characters.");
                }

                return new PresetConfiguration(type, tag, null, null, []);
            case "add_object" or "delete_object":
                var path = ParameterPath(o["name"], field + ".name");
                var instance = Text(o["object"], field + ".object").Trim();
                if (!InstanceSelector.IsValid(instance) || (type == "add_object" && InstanceSelector.IsNumber(instance)))
                {
                    throw ServiceException.Invalid(field + ".object", "object names the instance: an alias filter such as \"SSID:guest\" or \"Key:a,Other:b\" (add_object and delete_object), or an instance number (delete_object only).");
                }

                return new PresetConfiguration(type, path, null, instance, []);
            case "backup":
                return new PresetConfiguration(type, ScheduledBackup.Provision, null, null, []);
            default:
                throw ServiceException.Invalid(field + ".type", $"Unknown configuration type '{Clip(type)}': use one of " + string.Join(", ", PresetConfiguration.Types) + ".");
        }
    }

    private static string ParameterPath(JsonNode? node, string field)
    {
        var path = Text(node, field).Trim().TrimEnd('.');
        if (path.Length is 0 or > 512 || path.Contains("..", StringComparison.Ordinal) || path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '"' or '\'' or '\\'))
        {
            throw ServiceException.Invalid(field, "A parameter path is 1 to 512 characters, dot-separated, without spaces or quotes.");
        }

        return path;
    }

    private static JsonElement Scalar(JsonNode? node, string field) => node?.GetValueKind() switch
    {
        JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => JsonSerializer.SerializeToElement(node),
        _ => throw ServiceException.Invalid(field, $"{field} is a string, number or boolean."),
    };

    private static string Text(JsonNode? node, string field) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw ServiceException.Invalid(field, $"{field} is a string.");

    private static string Clip(string text) => Palisade.Cwmp.ClientText.Shorten(text, 40);
}
