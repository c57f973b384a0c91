using System.Collections.Frozen;
using System.Globalization;

namespace Palisade.Cpe.Model;

/// <summary>One object or parameter of an instantiated model.</summary>
/// <param name="Path">Full path (objects end with '.').</param>
/// <param name="Object">The schema of the object (the parameter's object, for a parameter).</param>
/// <param name="Parameter">The parameter's schema; null for an object.</param>
/// <param name="FixedValue">A value the profile fixes, if any.</param>
/// <param name="CountsTable">For <c>…NumberOfEntries</c>: the table whose instances it counts.</param>
/// <param name="IsTableRoot">The table itself (<c>Device.WiFi.SSID.</c>), which holds the instances.</param>
public sealed record TemplateEntry(string Path, ObjectSchema Object, ParameterSchema? Parameter, string? FixedValue, string? CountsTable, bool IsTableRoot = false)
{
    public bool IsObject => Parameter is null;

    /// <summary>For a table instance object (<c>Device.WiFi.SSID.2.</c>): true.</summary>
    public bool IsTableInstance => Parameter is null && Object.IsTable && !IsTableRoot;
}

/// <summary>
/// A data model instantiated for a product line: the schema filtered by a profile, each table given its
/// instances. Shared by every simulated device of that line, which only keep what differs (values set, objects
/// added or deleted), so ten thousand devices cost little more than one.
/// </summary>
public sealed class DeviceTemplate
{
    private DeviceTemplate(DataModelSchema schema, DeviceProfile profile, TemplateEntry[] entries)
    {
        Schema = schema;
        Profile = profile;
        Entries = entries;
        Index = entries.Select((e, i) => (e.Path, i)).ToFrozenDictionary(x => x.Path, x => x.i, StringComparer.Ordinal);
        ParameterCount = entries.Count(e => !e.IsObject);
    }

    public DataModelSchema Schema { get; }

    public DeviceProfile Profile { get; }

    /// <summary>Entries sorted by path (ordinal), so that a subtree is one contiguous range.</summary>
    public TemplateEntry[] Entries { get; }

    public FrozenDictionary<string, int> Index { get; }

    public int ParameterCount { get; }

    public string Root => Schema.Root;

    /// <summary>Builds the template of <paramref name="profile"/>.</summary>
    public static DeviceTemplate Build(DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var schema = DataModelSchema.For(profile.Root);
        var concrete = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var entries = new List<TemplateEntry>();
        var counters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var obj in schema.Objects)
        {
            var included = Included(profile, obj.Path, out var ancestorOnly);
            ancestorOnly &= obj.Path != schema.Root;
            if (!included)
            {
                continue;
            }

            var paths = Instantiate(profile, obj, concrete, out var tables);
            concrete[obj.Path] = paths;
            foreach (var table in tables)
            {
                entries.Add(new TemplateEntry(table, obj, null, null, null, IsTableRoot: true));
                if (obj.NumEntriesParameter is { } counter)
                {
                    // The counter lives in the table's parent object (TR-098 names them irregularly).
                    counters[table[..(table.TrimEnd('.').LastIndexOf('.') + 1)] + counter] = table;
                }
            }

            foreach (var path in paths)
            {
                entries.Add(new TemplateEntry(path, obj, null, null, null));
                // An object kept only as an ancestor still counts its tables' instances.
                foreach (var p in ancestorOnly ? obj.Parameters.Where(p => p.Name.EndsWith("NumberOfEntries", StringComparison.Ordinal)) : obj.Parameters)
                {
                    var full = path + p.Name;
                    entries.Add(new TemplateEntry(full, obj, p, profile.Values.GetValueOrDefault(full) ?? ModelFact(schema, full), null));
                }
            }
        }

        entries = [.. entries.Select(e => counters.TryGetValue(e.Path, out var table) ? e with { CountsTable = table } : e)];
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        if (profile.MaxParameters > 0)
        {
            entries = Cap(entries, profile.MaxParameters);
        }

        foreach (var path in profile.Values.Keys)
        {
            if (!entries.Any(e => e.Path == path))
            {
                throw new InvalidDataException($"The profile sets '{path}', which is not a parameter of this model and profile.");
            }
        }

        return new DeviceTemplate(schema, profile, [.. entries]);
    }

    /// <summary>The index range of <paramref name="prefix"/>'s subtree (prefix ends with '.').</summary>
    public (int Start, int End) Range(string prefix)
    {
        var lo = LowerBound(prefix);
        var hi = lo;
        while (hi < Entries.Length && Entries[hi].Path.StartsWith(prefix, StringComparison.Ordinal))
        {
            hi++;
        }

        return (lo, hi);
    }

    private int LowerBound(string key)
    {
        int lo = 0, hi = Entries.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(Entries[mid].Path, key) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    // What the root object says about the model itself (TR-181 RootDataModelVersion, TR-098 DeviceSummary).
    private static string? ModelFact(DataModelSchema schema, string path) => path switch
    {
        "Device.RootDataModelVersion" => schema.Name[(schema.Name.IndexOf(':', StringComparison.Ordinal) + 1)..],
        "InternetGatewayDevice.DeviceSummary" => schema.Name + "[](Baseline:1)",

        // The schema gives no default but its minimum, 1 s; a device ships with an hour (the agent's own fallback).
        "Device.ManagementServer.PeriodicInformInterval" or "InternetGatewayDevice.ManagementServer.PeriodicInformInterval" => "3600",
        _ => null,
    };

    private static bool Included(DeviceProfile profile, string path, out bool ancestorOnly)
    {
        ancestorOnly = false;
        if (profile.Exclude.Any(x => path.StartsWith(x, StringComparison.Ordinal)))
        {
            return false;
        }

        if (profile.Include.Count == 0 || profile.Include.Any(x => path.StartsWith(x, StringComparison.Ordinal)))
        {
            return true;
        }

        // An ancestor of something included exists as an object (so that GetParameterNames can walk to it).
        ancestorOnly = profile.Include.Any(x => x.StartsWith(path, StringComparison.Ordinal));
        return ancestorOnly;
    }

    private static List<string> Instantiate(DeviceProfile profile, ObjectSchema obj, Dictionary<string, List<string>> concrete, out List<string> tables)
    {
        tables = [];
        var path = obj.IsTable ? obj.Path[..^"{i}.".Length] : obj.Path;
        var last = path.LastIndexOf("{i}.", StringComparison.Ordinal);
        List<string> bases;
        if (last < 0)
        {
            bases = [path];
        }
        else
        {
            var parent = path[..(last + 4)];
            bases = concrete.TryGetValue(parent, out var parents) ? [.. parents.Select(p => p + path[(last + 4)..])] : [];
        }

        if (!obj.IsTable)
        {
            return bases;
        }

        tables = bases;
        var count = profile.Instances.TryGetValue(obj.Path, out var n) ? n : profile.DefaultInstances;
        var result = new List<string>(bases.Count * count);
        foreach (var b in bases)
        {
            for (var i = 1; i <= count; i++)
            {
                result.Add(b + i.ToString(CultureInfo.InvariantCulture) + ".");
            }
        }

        return result;
    }

    // What a CPE cannot do CWMP without: its identity, its ManagementServer object (URL, credentials, periodic
    // inform, connection requests) and the root's version or summary. A cap never drops these.
    private static bool Essential(string path)
    {
        var relative = path[(path.IndexOf('.', StringComparison.Ordinal) + 1)..];
        return relative.StartsWith("DeviceInfo.", StringComparison.Ordinal) || relative.StartsWith("ManagementServer.", StringComparison.Ordinal)
            || relative is "RootDataModelVersion" or "DeviceSummary";
    }

    private static List<TemplateEntry> Cap(List<TemplateEntry> entries, int max)
    {
        var kept = new List<TemplateEntry>();
        var parameters = 0;
        var objects = new HashSet<string>(StringComparer.Ordinal);
        // Essentials first (the sort is stable, so path order holds within each group), then the rest up to the cap.
        foreach (var (e, essential) in entries.Where(e => !e.IsObject).Select(e => (e, Essential(e.Path))).OrderBy(p => p.Item2 ? 0 : 1))
        {
            if (parameters++ >= max && !essential)
            {
                break;
            }

            kept.Add(e);
            var objectPath = e.Path[..(e.Path.LastIndexOf('.') + 1)];
            for (var i = objectPath.IndexOf('.', StringComparison.Ordinal); i >= 0; i = objectPath.IndexOf('.', i + 1))
            {
                objects.Add(objectPath[..(i + 1)]);
            }
        }

        kept.AddRange(entries.Where(e => e.IsObject && objects.Contains(e.Path)));
        kept.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return kept;
    }
}
