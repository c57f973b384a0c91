namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// What a round must fetch before the scripts can run with their data: subtrees to list, values to read, virtual-parameter
/// scripts to load. Each set is made when first used: every declaration of every run is resolved with needs of its own,
/// and a fresh one (the common case) needs nothing.
/// </summary>
internal sealed class FetchNeeds
{
    private SortedSet<string>? _list;
    private SortedSet<string>? _read;
    private SortedSet<string>? _store;
    private SortedSet<string>? _load;
    private SortedDictionary<string, ExtCall>? _ext;

    /// <summary>Objects whose whole subtree is to be listed (GetParameterNames, NextLevel false).</summary>
    public SortedSet<string> List => _list ??= new(StringComparer.Ordinal);

    /// <summary>Parameters whose values are to be read (one GetParameterValues).</summary>
    public SortedSet<string> Read => _read ??= new(StringComparer.Ordinal);

    /// <summary>Subtrees of the device's cached tree to load from the store before the next run (no RPC).</summary>
    public SortedSet<string> Store => _store ??= new(StringComparer.Ordinal);

    /// <summary>Virtual parameters whose scripts the store must give before the next run.</summary>
    public SortedSet<string> Load => _load ??= new(StringComparer.Ordinal);

    /// <summary>Extension calls to make, by their key (name, function and arguments as JSON).</summary>
    public SortedDictionary<string, ExtCall> Ext => _ext ??= new(StringComparer.Ordinal);

    public bool IsEmpty => Empty(_list) && Empty(_read) && Empty(_load) && (_ext?.Count ?? 0) == 0 && Empty(_store);

    public bool NeedsDevice => !Empty(_list) || !Empty(_read);

    public void Add(FetchNeeds other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty)
        {
            return;
        }

        List.UnionWith(other.List);
        Read.UnionWith(other.Read);
        Load.UnionWith(other.Load);
        Store.UnionWith(other.Store);
        foreach (var (key, call) in other.Ext)
        {
            Ext[key] = call;
        }
    }

    private static bool Empty(SortedSet<string>? set) => set is null || set.Count == 0;

    /// <summary>Drops subtrees covered by another listed one, and reads covered by a listing (they follow it in the next round).</summary>
    public IReadOnlyList<string> MinimalListing()
    {
        var result = new List<string>();
        foreach (var key in List)
        {
            if (!result.Exists(r => key.StartsWith(r, StringComparison.Ordinal)))
            {
                result.RemoveAll(r => r.StartsWith(key, StringComparison.Ordinal));
                result.Add(key);
            }
        }

        return result;
    }
}
