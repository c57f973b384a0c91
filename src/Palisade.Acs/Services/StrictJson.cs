using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Palisade.Acs.Services;

/// <summary>
/// JSON from outside (an API body, a console form, a precondition, an extension's answer), parsed so that every
/// later read is safe. System.Text.Json accepts an escaped surrogate without its pair (<c>"\ud800"</c>) while
/// parsing and throws <see cref="InvalidOperationException"/> only when the string is read, far from the parse and
/// outside every handler of bad JSON. Here such text is refused as bad JSON at the door.
/// </summary>
public static class StrictJson
{
    /// <summary>Parses <paramref name="utf8"/>; a <see cref="JsonException"/> for anything that is not valid JSON of valid UTF-16 strings.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, JsonDocumentOptions options)
    {
        Check(utf8, options);
        return JsonNode.Parse(utf8, documentOptions: options);
    }

    /// <summary>Parses <paramref name="text"/>; a <see cref="JsonException"/> for anything that is not valid JSON of valid UTF-16 strings.</summary>
    public static JsonNode? Parse(string text, JsonDocumentOptions options) => Parse(Encoding.UTF8.GetBytes(text), options);

    /// <summary>Parses <paramref name="text"/> into a document; a <see cref="JsonException"/> as for <see cref="Parse(string, JsonDocumentOptions)"/>.</summary>
    public static JsonDocument ParseDocument(string text, JsonDocumentOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Only an escape can spell half a surrogate pair in JSON: text without "\u" (a stored task, mostly) parses as it is.
        if (!text.Contains("\\u", StringComparison.Ordinal))
        {
            return JsonDocument.Parse(text, options);
        }

        var utf8 = Encoding.UTF8.GetBytes(text);
        Check(utf8, options);
        return JsonDocument.Parse(utf8, options);
    }

    // One forward pass: the reader checks the syntax and the depth; every escaped string and name is decoded once.
    private static void Check(ReadOnlySpan<byte> utf8, JsonDocumentOptions options)
    {
        if (utf8.IndexOf("\\u"u8) < 0)
        {
            return;
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            MaxDepth = options.MaxDepth,
            CommentHandling = options.CommentHandling,
            AllowTrailingCommas = options.AllowTrailingCommas,
        });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
            {
                try
                {
                    _ = reader.GetString();
                }
                catch (InvalidOperationException e)
                {
                    throw new JsonException($"A string at byte {reader.TokenStartIndex} escapes half of a surrogate pair; JSON strings must be valid UTF-16.", e);
                }
            }
        }
    }
}
