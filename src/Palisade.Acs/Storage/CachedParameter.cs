namespace Palisade.Acs.Storage;

/// <summary>
/// One node of a device's cached parameter tree: a parameter, or an object when the path ends
/// with '.'. Every field the ACS has not learned yet is null; each response that teaches it
/// something overwrites just that.
/// </summary>
/// <param name="Path">The full path.</param>
/// <param name="Value">The value's text, or null if never read.</param>
/// <param name="Type">The xsd type name (e.g. <c>unsignedInt</c>), or null.</param>
/// <param name="Writable">From GetParameterNames, or null.</param>
/// <param name="Notification">From GetParameterAttributes (0 off, 1 passive, 2 active), or null.</param>
/// <param name="AccessList">From GetParameterAttributes, comma-separated, or null.</param>
/// <param name="ReadAt">When the value was last read from the device, or null.</param>
public sealed record CachedParameter(
    string Path,
    string? Value,
    string? Type,
    bool? Writable,
    int? Notification,
    string? AccessList,
    DateTimeOffset? ReadAt)
{
    /// <summary>True for object nodes.</summary>
    public bool IsObject => Path.EndsWith('.');

    /// <summary>
    /// One entry per path, in first-seen order: a session that lists names and then reads values holds each path
    /// twice; they are merged as successive upserts would merge them (a later field that is set wins).
    /// </summary>
    public static List<CachedParameter> MergeByPath(IReadOnlyList<CachedParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var at = new Dictionary<string, int>(parameters.Count, StringComparer.Ordinal);
        var merged = new List<CachedParameter>(parameters.Count);
        foreach (var p in parameters)
        {
            if (at.TryGetValue(p.Path, out var i))
            {
                var earlier = merged[i];
                merged[i] = new CachedParameter(p.Path, p.Value ?? earlier.Value, p.Type ?? earlier.Type, p.Writable ?? earlier.Writable,
                    p.Notification ?? earlier.Notification, p.AccessList ?? earlier.AccessList, p.ReadAt ?? earlier.ReadAt);
            }
            else
            {
                at.Add(p.Path, merged.Count);
                merged.Add(p);
            }
        }

        return merged;
    }
}
