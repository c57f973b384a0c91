using System.Globalization;
using System.Text;
using System.Text.Json;
using Palisade.Acs.Query;
using Palisade.Acs.Services;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// Turns a preset's precondition into a filter. The precondition is Palisade's filter language
/// (<see cref="FilterParser"/>); where GenieACS writes something else, its form is accepted and rewritten first:
/// <list type="bullet">
/// <item>GenieACS 1.2 expressions: <c>Tags.X IS NOT NULL</c> (or <c>Tags.X = true</c>) is <c>tag = "X"</c>,
/// <c>Tags.X IS NULL</c> is <c>tag &lt;&gt; "X"</c>; <c>DeviceID.ID</c>, <c>DeviceID.OUI</c>, <c>DeviceID.ProductClass</c>,
/// <c>DeviceID.SerialNumber</c>, <c>DeviceID.Manufacturer</c> are <c>id</c>, <c>oui</c>, <c>productClass</c>,
/// <c>serialNumber</c>, <c>manufacturer</c>; <c>Events.Inform</c>, <c>Events.Registered</c>, <c>Events.1_BOOT</c>,
/// <c>Events.0_BOOTSTRAP</c> are <c>lastInform</c>, <c>registered</c>, <c>lastBoot</c>, <c>lastBootstrap</c>.</item>
/// <item>GenieACS 1.1's MongoDB-style JSON (a precondition that starts with <c>{</c>): field equality, <c>$ne</c>,
/// <c>$gt</c>, <c>$gte</c>, <c>$lt</c>, <c>$lte</c>, <c>$eq</c>, <c>$exists</c>, <c>$in</c>, <c>$nin</c>, <c>$and</c>,
/// <c>$or</c>; <c>_tags</c>, <c>_id</c>, <c>_deviceId._OUI</c> (…), <c>_lastInform</c> (…), and parameter paths with or
/// without <c>._value</c>.</item>
/// </list>
/// What has no counterpart (virtual parameters, functions such as <c>NOW()</c> or <c>UPPER()</c>, <c>$regex</c>) is
/// refused with the reason.
/// </summary>
public static class Preconditions
{
    private static readonly Dictionary<string, string> DeviceIdFields = new(StringComparer.Ordinal)
    {
        ["DeviceID.ID"] = "id",
        ["DeviceID.OUI"] = "oui",
        ["DeviceID.ProductClass"] = "productClass",
        ["DeviceID.SerialNumber"] = "serialNumber",
        ["DeviceID.Manufacturer"] = "manufacturer",
        ["Events.Inform"] = "lastInform",
        ["Events.Registered"] = "registered",
        ["Events.1_BOOT"] = "lastBoot",
        ["Events.0_BOOTSTRAP"] = "lastBootstrap",
        ["_id"] = "id",
        ["_deviceId._OUI"] = "oui",
        ["_deviceId._ProductClass"] = "productClass",
        ["_deviceId._SerialNumber"] = "serialNumber",
        ["_deviceId._Manufacturer"] = "manufacturer",
        ["_lastInform"] = "lastInform",
        ["_registered"] = "registered",
        ["_lastBoot"] = "lastBoot",
        ["_lastBootstrap"] = "lastBootstrap",
    };

    /// <summary>
    /// The precondition in Palisade's filter language: <paramref name="text"/> itself, or its rewrite when written in
    /// one of GenieACS's forms.
    /// </summary>
    /// <exception cref="FilterException">The precondition cannot be read or has no counterpart; the message says why.</exception>
    public static string Translate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        if (text.Length > FilterParser.MaxLength)
        {
            throw new FilterException($"The precondition is longer than {FilterParser.MaxLength} characters.", FilterParser.MaxLength);
        }

        return text.TrimStart().StartsWith('{') ? FromMongo(text) : FromExpression(text);
    }

    /// <summary>Translates and parses; null means every device.</summary>
    /// <exception cref="FilterException">As <see cref="Translate"/>, or the filter does not parse.</exception>
    public static Filter? Parse(string? text, DateTimeOffset now) => Parse(text, now, out _);

    /// <summary>As <see cref="Parse(string?, DateTimeOffset)"/>; <paramref name="relative"/> is true when the precondition says <c>now</c>.</summary>
    public static Filter? Parse(string? text, DateTimeOffset now, out bool relative)
    {
        var filter = FilterParser.Parse(Translate(text), now, out relative);
        if (filter is not null && PreconditionEvaluator.Unsupported(filter) is { } reason)
        {
            throw new FilterException("The precondition uses " + reason + ".", 0);
        }

        return filter;
    }

    private static string FromExpression(string text)
    {
        var output = new StringBuilder(text.Length + 16);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                var end = i + 1;
                while (end < text.Length && text[end] != c)
                {
                    end += text[end] == '\\' ? 2 : 1;
                }

                end = Math.Min(end + 1, text.Length);
                output.Append(text, i, end - i);
                i = end;
                continue;
            }

            if (!IsNameChar(c))
            {
                if (c == '(' && output.Length > 0 && IsNameChar(output[^1]))
                {
                    throw new FilterException("The precondition calls a function; GenieACS functions (NOW(), UPPER(), LOWER(), ROUND(), COALESCE()) have no counterpart: compare with now-1h or a quoted date instead.", i);
                }

                output.Append(c);
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && IsNameChar(text[i]))
            {
                i++;
            }

            var name = text[start..i];
            if (name.StartsWith("Tags.", StringComparison.Ordinal) && name.Length > 5)
            {
                i = RewriteTag(text, i, name[5..], output, start);
            }
            else if (DeviceIdFields.TryGetValue(name, out var field))
            {
                output.Append(field);
            }
            else if (name.StartsWith("VirtualParameters.", StringComparison.Ordinal))
            {
                throw new FilterException($"'{name}': a precondition cannot look at virtual parameters (they are computed by scripts during the session).", start);
            }
            else
            {
                output.Append(name);
            }
        }

        return output.ToString();
    }

    // Tags.X IS NOT NULL | Tags.X IS NULL | Tags.X = true | Tags.X <> true (and = false)
    private static int RewriteTag(string text, int i, string tag, StringBuilder output, int start)
    {
        var rest = text.AsSpan(i).TrimStart();
        var skipped = text.Length - i - rest.Length;
        (int Length, bool Present)? form =
            StartsWithWords(rest, "IS", "NOT", "NULL") is int a ? (a, true)
            : StartsWithWords(rest, "IS", "NULL") is int b ? (b, false)
            : StartsWithWords(rest, "=", "true") is int c ? (c, true)
            : StartsWithWords(rest, "=", "false") is int d ? (d, false)
            : StartsWithWords(rest, "<>", "true") is int e ? (e, false)
            : StartsWithWords(rest, "<>", "false") is int f ? (f, true)
            : null;
        if (form is not { } found)
        {
            throw new FilterException($"'Tags.{tag}' must be followed by IS NULL, IS NOT NULL, = true or = false.", start);
        }

        output.Append("tag ").Append(found.Present ? "= " : "<> ").Append(FilterParser.Literal(tag));
        return i + skipped + found.Length;
    }

    // The length of `words` at the start of `text`, each separated by white space, keywords matched ignoring case.
    private static int? StartsWithWords(ReadOnlySpan<char> text, params string[] words)
    {
        var pos = 0;
        foreach (var word in words)
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }

            if (pos + word.Length > text.Length || !text.Slice(pos, word.Length).Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            pos += word.Length;
            if (char.IsAsciiLetter(word[^1]) && pos < text.Length && IsNameChar(text[pos]))
            {
                return null;
            }
        }

        return pos;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '*';

    private static string FromMongo(string text)
    {
        try
        {
            using var document = StrictJson.ParseDocument(text, new JsonDocumentOptions { MaxDepth = FilterParser.MaxDepth });
            var parts = Conjunction(document.RootElement, 0);
            return parts;
        }
        catch (JsonException e)
        {
            throw new FilterException("The precondition starts with '{' but is not valid JSON: " + e.Message, 0);
        }
    }

    private static string Conjunction(JsonElement query, int depth)
    {
        if (query.ValueKind != JsonValueKind.Object)
        {
            throw new FilterException("A MongoDB-style precondition is a JSON object.", 0);
        }

        if (depth > FilterParser.MaxDepth)
        {
            throw new FilterException("The precondition nests too deep.", 0);
        }

        var terms = new List<string>();
        foreach (var property in query.EnumerateObject())
        {
            switch (property.Name)
            {
                case "$and" or "$or":
                    if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() == 0)
                    {
                        throw new FilterException($"{property.Name} takes a non-empty array.", 0);
                    }

                    var joined = string.Join(property.Name == "$and" ? " AND " : " OR ", property.Value.EnumerateArray().Select(q => "(" + Conjunction(q, depth + 1) + ")"));
                    terms.Add("(" + joined + ")");
                    break;
                default:
                    terms.Add(Field(property.Name, property.Value));
                    break;
            }
        }

        return terms.Count == 0 ? "id IS NOT NULL" : string.Join(" AND ", terms);
    }

    private static string Field(string name, JsonElement condition)
    {
        if (name.StartsWith('$'))
        {
            throw new FilterException($"The operator {name} has no counterpart.", 0);
        }

        if (name == "_tags")
        {
            return TagCondition(condition);
        }

        var field = DeviceIdFields.TryGetValue(name, out var mapped) ? mapped
            : name.EndsWith("._value", StringComparison.Ordinal) ? name[..^"._value".Length]
            : name;
        if (field.StartsWith("VirtualParameters.", StringComparison.Ordinal))
        {
            throw new FilterException($"'{name}': a precondition cannot look at virtual parameters.", 0);
        }

        if (condition.ValueKind != JsonValueKind.Object)
        {
            return field + " = " + Literal(condition, name);
        }

        var terms = new List<string>();
        foreach (var op in condition.EnumerateObject())
        {
            terms.Add(op.Name switch
            {
                "$eq" => field + " = " + Literal(op.Value, name),
                "$ne" => "NOT " + field + " = " + Literal(op.Value, name),
                "$gt" => field + " > " + Literal(op.Value, name),
                "$gte" => field + " >= " + Literal(op.Value, name),
                "$lt" => field + " < " + Literal(op.Value, name),
                "$lte" => field + " <= " + Literal(op.Value, name),
                "$exists" => field + (op.Value.ValueKind == JsonValueKind.True ? " IS NOT NULL" : " IS NULL"),
                "$in" => "(" + string.Join(" OR ", Items(op.Value, op.Name).Select(v => field + " = " + Literal(v, name))) + ")",
                "$nin" => "NOT (" + string.Join(" OR ", Items(op.Value, op.Name).Select(v => field + " = " + Literal(v, name))) + ")",
                _ => throw new FilterException($"The operator {op.Name} (on {name}) has no counterpart.", 0),
            });
        }

        return terms.Count == 0 ? throw new FilterException($"The condition on {name} is empty.", 0) : string.Join(" AND ", terms);
    }

    private static string TagCondition(JsonElement condition)
    {
        if (condition.ValueKind == JsonValueKind.String)
        {
            return "tag = " + FilterParser.Literal(condition.GetString()!);
        }

        if (condition.ValueKind == JsonValueKind.Object)
        {
            var terms = new List<string>();
            foreach (var op in condition.EnumerateObject())
            {
                terms.Add(op.Name switch
                {
                    "$eq" when op.Value.ValueKind == JsonValueKind.String => "tag = " + FilterParser.Literal(op.Value.GetString()!),
                    "$ne" when op.Value.ValueKind == JsonValueKind.String => "tag <> " + FilterParser.Literal(op.Value.GetString()!),
                    "$in" => "(" + string.Join(" OR ", Items(op.Value, op.Name).Select(v => "tag = " + Literal(v, "_tags"))) + ")",
                    "$nin" => "NOT (" + string.Join(" OR ", Items(op.Value, op.Name).Select(v => "tag = " + Literal(v, "_tags"))) + ")",
                    _ => throw new FilterException($"The operator {op.Name} on _tags has no counterpart.", 0),
                });
            }

            if (terms.Count > 0)
            {
                return string.Join(" AND ", terms);
            }
        }

        throw new FilterException("_tags takes a tag name or {$ne|$in|$nin: …}.", 0);
    }

    private static IEnumerable<JsonElement> Items(JsonElement array, string op) =>
        array.ValueKind == JsonValueKind.Array && array.GetArrayLength() > 0
            ? array.EnumerateArray()
            : throw new FilterException($"{op} takes a non-empty array.", 0);

    private static string Literal(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.String => FilterParser.Literal(value.GetString()!),
        JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new FilterException($"The value compared with {field} must be a string, number or boolean.", 0),
    };

}
