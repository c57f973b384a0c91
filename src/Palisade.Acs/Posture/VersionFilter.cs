using System.Text;
using Palisade.Acs.Query;

namespace Palisade.Acs.Posture;

/// <summary>
/// A device filter that matches the devices whose software version is one of a given set, among the versions the
/// fleet reports. The filter language compares text, not versions, so the set is written out: each version
/// (<c>softwareVersion = "1.2"</c>), or a prefix that no version outside the set shares
/// (<c>softwareVersion LIKE "1.%"</c>) when that is shorter. The filter stays within the parser's bounds.
/// </summary>
internal static class VersionFilter
{
    private const string Nothing = "softwareVersion IS NULL AND softwareVersion IS NOT NULL";

    public static string Below(IReadOnlyCollection<string> fleet, IReadOnlyCollection<string> below)
    {
        if (below.Count == 0)
        {
            return Nothing;
        }

        var terms = Cover(string.Empty, [.. fleet], [.. below]);
        var text = string.Join(" OR ", terms);

        // Far past any real fleet: the link names as many terms as a filter may hold (the count stays exact).
        if (terms.Count > FilterParser.MaxTerms || text.Length > FilterParser.MaxLength)
        {
            var kept = new List<string>();
            foreach (var term in terms.Take(FilterParser.MaxTerms))
            {
                if (string.Join(" OR ", kept.Append(term)).Length > FilterParser.MaxLength)
                {
                    break;
                }

                kept.Add(term);
            }

            text = string.Join(" OR ", kept);
        }

        return text;
    }

    // The fewest terms that match exactly the versions of `inSet` among `all` (both starting with `prefix`):
    // one LIKE when no version outside the set shares the prefix, else one term per longer prefix.
    private static List<string> Cover(string prefix, List<string> all, HashSet<string> inSet)
    {
        var matched = all.Where(inSet.Contains).ToList();
        if (matched.Count == 0)
        {
            return [];
        }

        // SQL LIKE ignores ASCII case: a prefix covers only when no outside version matches it in any case.
        var outside = all.Where(v => !inSet.Contains(v)).ToList();
        if (prefix.Length > 0 && matched.Count > 1 && outside.TrueForAll(v => !v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            return ["softwareVersion LIKE " + FilterParser.Literal(Like(prefix) + "%")];
        }

        var terms = new List<string>();
        if (inSet.Contains(prefix) && all.Contains(prefix))
        {
            terms.Add("softwareVersion = " + FilterParser.Literal(prefix));
        }

        foreach (var group in all.Where(v => v.Length > prefix.Length).GroupBy(v => char.ToLowerInvariant(v[prefix.Length])))
        {
            var members = group.ToList();
            var shared = members.Select(v => v[..(prefix.Length + 1)]).Distinct(StringComparer.Ordinal).ToList();
            if (shared.Count > 1)
            {
                // Versions that differ only in the case of this character: name them one by one.
                terms.AddRange(members.Where(inSet.Contains).Select(v => "softwareVersion = " + FilterParser.Literal(v)));
                continue;
            }

            terms.AddRange(members.Count == 1
                ? members.Where(inSet.Contains).Select(v => "softwareVersion = " + FilterParser.Literal(v))
                : Cover(shared[0], members, inSet));
        }

        return terms;
    }

    // LIKE wildcards in a version or host name are literal (the stores use ESCAPE '\').
    internal static string Like(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '%' or '_' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

}
