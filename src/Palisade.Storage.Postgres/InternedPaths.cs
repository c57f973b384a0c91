using System.Collections.Concurrent;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Parameter paths this process has seen interned in the paths table, so that a session's commit whose paths are all
/// known sends no statement to intern them. A path row is never deleted or renumbered (no code deletes from paths), so
/// a path once seen committed stays there. Bounded: past <see cref="Capacity"/> paths nothing more is remembered, and
/// commits with new paths intern them as before.
/// </summary>
internal sealed class InternedPaths
{
    /// <summary>Most paths remembered (a data model's paths across a fleet, instance numbers included, are far fewer).</summary>
    public const int Capacity = 200_000;

    private readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);

    /// <summary>Paths remembered.</summary>
    public int Count => _known.Count;

    /// <summary>True when every path is known to be interned.</summary>
    public bool ContainsAll(string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            if (!_known.ContainsKey(path))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Remembers paths a committed transaction interned (or found interned).</summary>
    public void Remember(string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            if (_known.Count >= Capacity)
            {
                return;
            }

            _known.TryAdd(path, 0);
        }
    }
}
