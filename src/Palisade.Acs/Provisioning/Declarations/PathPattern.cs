namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// A path as <c>declare()</c> takes it: dot-separated segments, each a name, <c>*</c> (any instance or child), or an
/// alias filter <c>[Key:value,Other.Key:value]</c> (the instances whose keys, relative paths under the instance, hold
/// those values). A trailing dot is ignored.
/// </summary>
internal sealed class PathPattern
{
    private PathPattern(string text, PathSegment[] segments)
    {
        Text = text;
        Segments = segments;
    }

    /// <summary>The path as written.</summary>
    public string Text { get; }

    public IReadOnlyList<PathSegment> Segments { get; }

    /// <summary>True when some segment is <c>*</c> or an alias filter.</summary>
    public bool HasWildcards => Segments.Any(s => s.Name is null);

    /// <summary>The first segment's name (a data-model root or a special root), or null when it is a wildcard.</summary>
    public string? Root => Segments[0].Name;

    /// <summary>The subtree of the store a resolution reads (<see cref="Declarations.StoreScope"/>), once worked out.</summary>
    internal string? StoreScope { get; set; }

    // Parsed paths by text, shared by every session (a fleet's scripts declare the same few paths); dropped whole when full.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, PathPattern> Parsed = new(StringComparer.Ordinal);
    private const int MaxParsed = 8192;

    /// <summary><see cref="TryParse"/>, remembered for the process.</summary>
    public static PathPattern? Cached(string text, out string? error)
    {
        error = null;
        if (Parsed.TryGetValue(text, out var known))
        {
            return known;
        }

        var parsed = TryParse(text, out error);
        if (parsed is not null)
        {
            if (Parsed.Count >= MaxParsed)
            {
                Parsed.Clear();
            }

            Parsed[text] = parsed;
        }

        return parsed;
    }

    /// <summary>Parses <paramref name="text"/>; null with <paramref name="error"/> when it is not a path.</summary>
    public static PathPattern? TryParse(string text, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text) || text.Length > 1024)
        {
            error = "A path must have between 1 and 1024 characters.";
            return null;
        }

        var trimmed = text.EndsWith('.') ? text[..^1] : text;
        var segments = new List<PathSegment>();
        var i = 0;
        while (i <= trimmed.Length)
        {
            if (i < trimmed.Length && trimmed[i] == '[')
            {
                var close = trimmed.IndexOf(']', i);
                if (close < 0)
                {
                    error = $"An alias filter in '{text}' is not closed.";
                    return null;
                }

                var filter = new List<KeyValuePair<string, string>>();
                foreach (var pair in trimmed[(i + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries))
                {
                    var colon = pair.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        error = $"The alias filter '{pair}' in '{text}' is not Key:value.";
                        return null;
                    }

                    filter.Add(new(pair[..colon].Trim(), pair[(colon + 1)..]));
                }

                segments.Add(new PathSegment(null, filter));
                i = close + 1;
                if (i < trimmed.Length && trimmed[i] != '.')
                {
                    error = $"An alias filter in '{text}' must end its segment.";
                    return null;
                }

                i++;
                continue;
            }

            var dot = trimmed.IndexOf('.', i);
            var end = dot < 0 ? trimmed.Length : dot;
            var name = trimmed[i..end];
            if (name.Length == 0)
            {
                error = $"'{text}' has an empty segment.";
                return null;
            }

            segments.Add(name == "*" ? PathSegment.Wildcard : new PathSegment(name, null));
            i = end + 1;
        }

        return new PathPattern(text, [.. segments]);
    }
}
