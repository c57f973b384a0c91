using System.Text.Json.Nodes;

namespace Palisade.Acs.Services;

/// <summary>
/// Reads fields of a JSON request body with the type each must have. A field of the wrong type (a number for a
/// name, a string for a count, a count past its range) is a 400 that names it, never an exception of another type.
/// </summary>
internal static class JsonFields
{
    public static JsonObject Object(JsonNode? body, string example) =>
        body as JsonObject ?? throw ServiceException.Invalid("body", $"The body must be a JSON object, e.g. {example}.");

    public static string? String(JsonObject body, string field, int maxLength)
    {
        switch (body[field])
        {
            case null:
                return null;
            case JsonValue value when value.TryGetValue<string>(out var text):
                return text.Length <= maxLength ? text : throw ServiceException.Invalid(field, $"'{field}' is longer than {maxLength} characters.");
            default:
                throw ServiceException.Invalid(field, $"'{field}' must be a string.");
        }
    }

    public static int? Int(JsonObject body, string field, int min, int max) => body[field] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<int>(out var number) && number >= min && number <= max => number,
        _ => throw ServiceException.Invalid(field, $"'{field}' must be a whole number from {min} to {max}."),
    };
}
