using System.Collections.Concurrent;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The numbers of parameter paths this process has seen committed in the paths table, so that a session's commit names
/// its parameters by number: no statement interns them again, and the parameters' upsert looks no path up by its text.
/// A path row is never deleted or renumbered (no code deletes from or updates paths), so a number once seen committed
/// stays right. Bounded: past <see cref="Capacity"/> paths nothing more is remembered, and commits with other paths look
/// their numbers up (and intern them) first.
/// </summary>
internal sealed class InternedPaths
{
    /// <summary>Most paths remembered (a data model's paths across a fleet, instance numbers included, are far fewer).</summary>
    public const int Capacity = 200_000;

    private readonly ConcurrentDictionary<string, long> _known = new(StringComparer.Ordinal);

    /// <summary>Paths remembered.</summary>
    public int Count => _known.Count;

    /// <summary>
    /// Fills <paramref name="ids"/> with the number of each of <paramref name="paths"/>; false (and <paramref name="ids"/>
    /// only partly filled) when one is not known.
    /// </summary>
    public bool TryGetIds(string[] paths, long[] ids)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(ids);
        for (var i = 0; i < paths.Length; i++)
        {
            if (!_known.TryGetValue(paths[i], out ids[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Remembers a path's number, read from a committed row of the paths table.</summary>
    public void Remember(string path, long id)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_known.Count < Capacity)
        {
            _known.TryAdd(path, id);
        }
    }
}
