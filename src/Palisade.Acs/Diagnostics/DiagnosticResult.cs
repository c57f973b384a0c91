using System.Globalization;
using System.Text.Json;
using Palisade.Acs.Sessions;
using Palisade.Cwmp.Structs;

namespace Palisade.Acs.Diagnostics;

/// <summary>
/// A diagnostic's object as task result JSON: each parameter under camelCase (<c>SuccessCount</c> → successCount,
/// <c>ROMTime</c> → romTime), numbers and booleans typed, a table (<c>RouteHops.2.Host</c>) as an array of objects in
/// instance order. Bounded: 256 entries per table, 1 KiB per text.
/// </summary>
public static class DiagnosticResult
{
    private const int MaxRows = 256;

    /// <summary>The result of diagnostic <paramref name="name"/> from the values under <paramref name="path"/>.</summary>
    public static string Json(string name, string path, IReadOnlyList<ParameterValueStruct> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var top = new List<(string Key, ParameterValueStruct Value)>();
        var tables = new SortedDictionary<string, SortedDictionary<uint, List<(string Key, ParameterValueStruct Value)>>>(StringComparer.Ordinal);
        foreach (var v in values.Where(v => v.Name.StartsWith(path, StringComparison.Ordinal)))
        {
            var parts = v.Name[path.Length..].Split('.');
            if (parts.Length == 1)
            {
                top.Add((CamelCase(parts[0]), v));
            }
            else if (parts.Length == 3 && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var instance))
            {
                var table = tables.TryGetValue(parts[0], out var t) ? t : tables[parts[0]] = new();
                if (table.Count < MaxRows || table.ContainsKey(instance))
                {
                    (table.TryGetValue(instance, out var row) ? row : table[instance] = []).Add((CamelCase(parts[2]), v));
                }
            }
        }

        return ResponseApplier.Json(w =>
        {
            w.WriteString("name", name);
            foreach (var (key, value) in top)
            {
                Write(w, key, value);
            }

            foreach (var (table, rows) in tables)
            {
                w.WriteStartArray(CamelCase(table));
                foreach (var row in rows.Values)
                {
                    w.WriteStartObject();
                    foreach (var (key, value) in row)
                    {
                        Write(w, key, value);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }
        });
    }

    /// <summary>TR-181 name to camelCase: the leading capitals lowered, keeping the one that starts the next word.</summary>
    public static string CamelCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = 0;
        while (upper < name.Length && char.IsUpper(name[upper]))
        {
            upper++;
        }

        if (upper == 0)
        {
            return name;
        }

        // "ROMTime": R, O, M lowered, T starts "Time"; "IPAddresses": "ip" + "Addresses"; "SuccessCount": "s" + "uccessCount".
        var lower = upper == name.Length || upper == 1 ? upper : upper - 1;
        return name[..lower].ToLowerInvariant() + name[lower..];
    }

    private static void Write(Utf8JsonWriter w, string key, ParameterValueStruct value)
    {
        var text = Palisade.Cwmp.ClientText.Cut(value.Value.Text, 1024);
        switch (value.Value.TypeName)
        {
            case "unsignedInt" or "unsignedLong" when ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u):
                w.WriteNumber(key, u);
                break;
            case "int" or "long" when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n):
                w.WriteNumber(key, n);
                break;
            case "boolean":
                w.WriteBoolean(key, text is "true" or "1");
                break;
            default:
                w.WriteString(key, text);
                break;
        }
    }
}
