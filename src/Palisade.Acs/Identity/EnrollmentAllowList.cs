using Palisade.Acs.Devices;

namespace Palisade.Acs.Identity;

/// <summary>
/// The ids an operator expects to enroll: one per line, either a whole id (<c>00D09E-HGW-SN123</c>) or a prefix
/// ending in <c>*</c> (<c>00D09E-HGW-*</c> for every serial of one OUI and product class). Blank lines and lines
/// starting with <c>#</c> are ignored. Closes the squatting race for every id not on it.
/// </summary>
public sealed class EnrollmentAllowList
{
    /// <summary>The most entries a list may hold.</summary>
    public const int MaxEntries = 1_000_000;

    private readonly HashSet<string> _ids;
    private readonly string[] _prefixes;

    private EnrollmentAllowList(HashSet<string> ids, string[] prefixes)
    {
        _ids = ids;
        _prefixes = prefixes;
    }

    /// <summary>How many ids and prefixes the list holds.</summary>
    public int Count => _ids.Count + _prefixes.Length;

    /// <summary>Parses the lines of an allow-list; a bad line throws <see cref="FormatException"/> naming its number.</summary>
    public static EnrollmentAllowList Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var prefixes = new List<string>();
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (ids.Count + prefixes.Count >= MaxEntries)
            {
                throw new FormatException($"line {number}: an enrollment allow-list holds at most {MaxEntries} entries.");
            }

            if (line.EndsWith('*'))
            {
                var prefix = line[..^1];
                if (prefix.Length < 2 || prefix.Contains('*', StringComparison.Ordinal) || !prefix.EndsWith('-') || prefix.Any(char.IsWhiteSpace))
                {
                    throw new FormatException($"line {number}: a prefix ends in '-*' after at least the OUI, e.g. 00D09E-HGW-*.");
                }

                prefixes.Add(prefix);
                continue;
            }

            if (!DeviceId.TryParse(line, out var id))
            {
                throw new FormatException($"line {number}: not a device id (OUI-ProductClass-SerialNumber) or a prefix ending in '-*'.");
            }

            ids.Add(id.ToString());
        }

        return new EnrollmentAllowList(ids, [.. prefixes]);
    }

    /// <summary>Reads an allow-list file.</summary>
    public static EnrollmentAllowList Load(string path) => Parse(File.ReadLines(path));

    /// <summary>True when <paramref name="id"/> may enroll.</summary>
    public bool Allows(DeviceId id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var text = id.ToString();
        if (_ids.Contains(text))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
