namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// Evaluates a declaration against a session's view: the parameters and objects its path matches now, or null when
/// the view is not fresh enough to say (and then what to fetch goes into the needs). A wildcard or an alias filter
/// needs its object's subtree listed at least once (and since the path timestamp); a parameter whose existence is
/// unknown needs its parent listed; a value older than the value timestamp needs a read. A fresh declaration needs
/// nothing, so it costs no RPC.
/// </summary>
internal static class DeclarationResolver
{
    public static List<ParameterNode>? Resolve(DeviceView view, Declaration declaration, FetchNeeds needs)
    {
        if (StoreScope.Of(declaration.Pattern, view.DataModelRoot) is { } scope && !view.Covers(scope))
        {
            needs.Store.Add(scope);
            return null;
        }

        var segments = declaration.Pattern.Segments;
        var pending = false;
        var listRequired = Math.Max(declaration.PathAt, 1);
        var current = new List<string> { string.Empty };
        for (var i = 0; i < segments.Count && current.Count > 0; i++)
        {
            var last = i == segments.Count - 1;
            var segment = segments[i];
            var next = new List<string>();
            foreach (var parent in current)
            {
                if (segment.Name is { } name)
                {
                    pending |= Literal(view, declaration, parent, name, last, needs, next);
                    continue;
                }

                if (view.ListedAt(parent) < listRequired)
                {
                    needs.List.Add(parent);
                    pending = true;
                    continue;
                }

                foreach (var child in view.ChildrenOf(parent))
                {
                    if (!last && !child.EndsWith('.'))
                    {
                        continue;
                    }

                    if (segment.IsAlias)
                    {
                        if (!child.EndsWith('.'))
                        {
                            continue;
                        }

                        var (matches, waiting) = AliasMatches(view, child, segment.Filter!, listRequired, needs);
                        pending |= waiting;
                        if (!matches)
                        {
                            continue;
                        }
                    }

                    next.Add(child);
                }
            }

            current = next;
        }

        var result = new List<ParameterNode>(current.Count);
        foreach (var key in current)
        {
            var node = view.Get(key)!;
            if (!node.IsObject && declaration.ValueAt > node.ValueAt)
            {
                needs.Read.Add(key);
                pending = true;
            }

            if (declaration.WritableAt > 0 && node.Writable is null && key.Length > 0)
            {
                needs.List.Add(DeviceView.ParentOf(key));
                pending = true;
            }

            result.Add(node);
        }

        return pending ? null : result;
    }

    // A named child of parent: an object, a parameter (last segment only), absent, or not known yet. The keys are put
    // together in a buffer and looked up as spans: a fresh declaration makes no string per step.
    private static bool Literal(DeviceView view, Declaration declaration, string parent, string name, bool last, FetchNeeds needs, List<string> next)
    {
        var length = parent.Length + name.Length + 1;
        char[]? rented = null;
        var buffer = length <= 256 ? stackalloc char[256] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(length));
        try
        {
            parent.CopyTo(buffer);
            name.CopyTo(buffer[parent.Length..]);
            buffer[length - 1] = '.';
            if (view.Get(buffer[..length]) is { } found)
            {
                next.Add(found.Key);
                return false;
            }

            if (last && view.Get(buffer[..(length - 1)]) is { } leaf)
            {
                // A read proves the parameter exists as well as a listing does: a listing is asked for only when neither
                // the value's read nor a listing covering the parent is as recent as the path timestamp (and the value
                // timestamp would not read it anyway). The listing time is looked up only when it can matter.
                if (declaration.ValueAt < declaration.PathAt && leaf.ValueAt < declaration.PathAt
                    && (parent.Length == 0 || view.ListedAt(parent) < declaration.PathAt))
                {
                    needs.List.Add(parent);
                    return true;
                }

                next.Add(leaf.Key);
                return false;
            }

            var objectKey = buffer[..length].ToString();
            if (view.IsAbsent(objectKey) && (!last || view.IsAbsent(objectKey[..^1])))
            {
                return false;
            }

            // Unknown: a segment in the middle must be an object, listed whole (one listing serves every path under it,
            // and a CPE that lacks it says so); the last segment may be a parameter, known from its parent's listing.
            needs.List.Add(!last || parent.Length == 0 ? objectKey : parent);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static (bool Matches, bool Pending) AliasMatches(DeviceView view, string instance, IReadOnlyList<KeyValuePair<string, string>> filter, long required, FetchNeeds needs)
    {
        var matches = true;
        var pending = false;
        foreach (var (key, value) in filter)
        {
            var node = view.Get(instance + key);
            if (node is null)
            {
                matches = false;
                continue;
            }

            if (node.ValueAt < required)
            {
                needs.Read.Add(node.Key);
                pending = true;
                continue;
            }

            matches &= string.Equals(node.Value, value, StringComparison.Ordinal);
        }

        return (matches && !pending, pending);
    }
}
