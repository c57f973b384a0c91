namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>What a round must fetch before the scripts can run with their data: subtrees to list, values to read, virtual-parameter scripts to load.</summary>
internal sealed class FetchNeeds
{
    /// <summary>Objects whose whole subtree is to be listed (GetParameterNames, NextLevel false).</summary>
    public SortedSet<string> List { get; } = new(StringComparer.Ordinal);

    /// <summary>Parameters whose values are to be read (one GetParameterValues).</summary>
    public SortedSet<string> Read { get; } = new(StringComparer.Ordinal);

    /// <summary>Subtrees of the device's cached tree to load from the store before the next run (no RPC).</summary>
    public SortedSet<string> Store { get; } = new(StringComparer.Ordinal);

    /// <summary>Virtual parameters whose scripts the store must give before the next run.</summary>
    public SortedSet<string> Load { get; } = new(StringComparer.Ordinal);

    /// <summary>Extension calls to make, by their key (name, function and arguments as JSON).</summary>
    public SortedDictionary<string, ExtCall> Ext { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => List.Count == 0 && Read.Count == 0 && Load.Count == 0 && Ext.Count == 0 && Store.Count == 0;

    public bool NeedsDevice => List.Count > 0 || Read.Count > 0;

    public void Add(FetchNeeds other)
    {
        List.UnionWith(other.List);
        Read.UnionWith(other.Read);
        Load.UnionWith(other.Load);
        Store.UnionWith(other.Store);
        foreach (var (key, call) in other.Ext)
        {
            Ext[key] = call;
        }
    }

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
