using Palisade.Acs.Storage;

namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// A session's view of one device's tree: the cached parameters with their timestamps, then whatever the session
/// learns. Declarations are evaluated against it; an answer from the CPE updates it. The time an object's subtree was
/// last listed is kept as the cached object node's read time. Not thread-safe: one session at a time.
/// </summary>
internal sealed class DeviceView
{
    private readonly Dictionary<string, ParameterNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _children = new(StringComparer.Ordinal);
    private readonly HashSet<string> _absent = new(StringComparer.Ordinal);
    private readonly List<string> _loaded = [];
    private readonly List<(string Prefix, long Before)> _clears = [];

    public DeviceView(string? dataModelRoot)
    {
        DataModelRoot = dataModelRoot;
        _byspan = _nodes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    // Ancestors are looked up by span, without a string per level.
    private readonly Dictionary<string, ParameterNode>.AlternateLookup<ReadOnlySpan<char>> _byspan;

    /// <summary><c>Device</c> or <c>InternetGatewayDevice</c>, when known.</summary>
    public string? DataModelRoot { get; }

    public int Count => _nodes.Count;

    /// <summary>The device's whole cached tree is in the view (or the store has none: a first contact).</summary>
    public bool Complete { get; private set; }

    /// <summary>
    /// True when the store's rows under <paramref name="prefix"/> are in the view: the whole tree was loaded, or a
    /// subtree whose prefix <paramref name="prefix"/> starts with. A session loads only the subtrees its declarations
    /// touch until it must send an RPC; then it loads the whole tree (<see cref="Complete"/>).
    /// </summary>
    public bool Covers(string prefix)
    {
        if (Complete)
        {
            return true;
        }

        foreach (var loaded in _loaded)
        {
            if (prefix.StartsWith(loaded, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The store's rows under <paramref name="prefix"/> were applied (null: the whole tree).</summary>
    public void MarkLoaded(string? prefix)
    {
        if (prefix is null)
        {
            Complete = true;
        }
        else
        {
            _loaded.Add(prefix);
        }
    }

    /// <summary>Applies every <c>clear()</c> of the session again, to rows loaded from the store after it.</summary>
    public void ReapplyClears()
    {
        foreach (var (prefix, before) in _clears)
        {
            ClearNodes(prefix, before);
        }
    }

    public static string ParentOf(string key)
    {
        var end = key.EndsWith('.') ? key.Length - 2 : key.Length - 1;
        var dot = end < 0 ? -1 : key.LastIndexOf('.', end);
        return dot < 0 ? string.Empty : key[..(dot + 1)];
    }

    public ParameterNode? Get(string key) => _nodes.GetValueOrDefault(key);

    /// <summary>The node at <paramref name="key"/>, looked up without making a string of it.</summary>
    public ParameterNode? Get(ReadOnlySpan<char> key) => _byspan.TryGetValue(key, out var node) ? node : null;

    /// <summary>The node at <paramref name="key"/>, created (with its ancestors) when missing.</summary>
    public ParameterNode Ensure(string key)
    {
        if (_nodes.TryGetValue(key, out var node))
        {
            return node;
        }

        node = new ParameterNode(key);
        _nodes[key] = node;
        _absent.Remove(key);
        var parent = ParentOf(key);
        if (!_children.TryGetValue(parent, out var siblings))
        {
            siblings = new SortedSet<string>(InstanceOrder.Instance);
            _children[parent] = siblings;
        }

        siblings.Add(key);
        if (parent.Length > 0)
        {
            Ensure(parent);
        }

        return node;
    }

    /// <summary>Merges a cached parameter: each known field overwrites; the read time only moves forward.</summary>
    public void Apply(CachedParameter p, long readAtMs)
    {
        var node = Ensure(p.Path);
        if (node.IsObject)
        {
            node.ListedAt = Math.Max(node.ListedAt, readAtMs);
        }
        else if (p.Value is not null)
        {
            node.Value = p.Value;
            node.ValueAt = Math.Max(node.ValueAt, readAtMs);
        }

        if (p.Type is not null)
        {
            node.Type = p.Type;
        }

        if (p.Writable is { } w)
        {
            node.Writable = w;
        }
    }

    /// <summary>The direct children of object <paramref name="objectKey"/> ("" for the roots), in instance order.</summary>
    public IEnumerable<string> ChildrenOf(string objectKey) =>
        _children.TryGetValue(objectKey, out var set) ? set : [];

    /// <summary>The latest listing that covers <paramref name="objectKey"/>'s children: its own or an ancestor's.</summary>
    public long ListedAt(string objectKey)
    {
        long at = 0;
        var key = objectKey.AsSpan();
        for (var end = key.IndexOf('.'); end >= 0; end = NextDot(key, end))
        {
            if (_byspan.TryGetValue(key[..(end + 1)], out var node))
            {
                at = Math.Max(at, node.ListedAt);
            }
        }

        return at;

        static int NextDot(ReadOnlySpan<char> key, int from)
        {
            var next = key[(from + 1)..].IndexOf('.');
            return next < 0 ? -1 : from + 1 + next;
        }
    }

    /// <summary>True when <paramref name="key"/> is known not to exist: another data model's root, a path the CPE refused, or missing from a listing that covers it.</summary>
    public bool IsAbsent(string key)
    {
        if (_nodes.ContainsKey(key))
        {
            return false;
        }

        var dot = key.IndexOf('.', StringComparison.Ordinal);
        var root = dot < 0 ? key.AsSpan() : key.AsSpan(0, dot);
        if (DataModelRoot is not null && !root.SequenceEqual(DataModelRoot) && (root.SequenceEqual("Device") || root.SequenceEqual("InternetGatewayDevice")))
        {
            return true;
        }

        for (var k = key; k.Length > 0; k = ParentOf(k))
        {
            if (_absent.Contains(k))
            {
                return true;
            }
        }

        var parent = ParentOf(key);
        return parent.Length > 0 && _nodes.ContainsKey(parent) && ListedAt(parent) > 0;
    }

    /// <summary>The CPE does not know <paramref name="key"/> (it answered a GetParameterNames on it with a fault).</summary>
    public void MarkAbsent(string key)
    {
        RemoveSubtree(key);
        _absent.Add(key);
    }

    /// <summary>The CPE listed <paramref name="objectKey"/>'s whole subtree at <paramref name="at"/>: what it did not name is gone.</summary>
    public void MarkListed(string objectKey, IReadOnlySet<string> names, long at)
    {
        var stale = _nodes.Keys.Where(k => k.StartsWith(objectKey, StringComparison.Ordinal) && k != objectKey && !names.Contains(k)).ToList();
        foreach (var key in stale)
        {
            RemoveSubtree(key);
        }

        if (objectKey.Length > 0)
        {
            Ensure(objectKey).ListedAt = at;
        }
        else
        {
            foreach (var child in ChildrenOf(string.Empty).ToList())
            {
                Ensure(child).ListedAt = at;
            }
        }
    }

    public void RemoveSubtree(string key)
    {
        var doomed = key.EndsWith('.') ? _nodes.Keys.Where(k => k.StartsWith(key, StringComparison.Ordinal)).ToList() : [key];
        foreach (var k in doomed)
        {
            _nodes.Remove(k);
            _children.Remove(k);
            if (_children.TryGetValue(ParentOf(k), out var siblings))
            {
                siblings.Remove(k);
            }
        }
    }

    /// <summary><c>clear(path, t)</c>: what under <paramref name="prefix"/> was read or listed before <paramref name="before"/> counts as never read.</summary>
    public void Clear(string prefix, long before)
    {
        _clears.Add((prefix, before));
        ClearNodes(prefix, before);
    }

    private void ClearNodes(string prefix, long before)
    {
        foreach (var node in _nodes.Values)
        {
            if (node.Key.StartsWith(prefix, StringComparison.Ordinal) && (node.Key.Length == prefix.Length || prefix.EndsWith('.') || node.Key[prefix.Length] == '.'))
            {
                if (node.ValueAt < before)
                {
                    node.ValueAt = 0;
                }

                if (node.ListedAt < before)
                {
                    node.ListedAt = 0;
                }
            }
        }
    }

    /// <summary>Orders instance numbers numerically, names ordinally.</summary>
    private sealed class InstanceOrder : IComparer<string>
    {
        public static InstanceOrder Instance { get; } = new();

        public int Compare(string? x, string? y)
        {
            var a = LastSegment(x!);
            var b = LastSegment(y!);
            if (int.TryParse(a, out var i) && int.TryParse(b, out var j))
            {
                return i != j ? i.CompareTo(j) : string.CompareOrdinal(x, y);
            }

            return string.CompareOrdinal(x, y);
        }

        private static ReadOnlySpan<char> LastSegment(string key)
        {
            var span = key.AsSpan().TrimEnd('.');
            var dot = span.LastIndexOf('.');
            return dot < 0 ? span : span[(dot + 1)..];
        }
    }
}
