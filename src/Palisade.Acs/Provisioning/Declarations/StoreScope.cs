namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// Which subtree of the device's cached tree a declaration's resolution reads: the path up to its first wildcard or
/// alias filter, or, for a path without either, its parent object. A session loads those subtrees from the store
/// instead of the whole tree (a gateway's is hundreds of parameters) while it resolves without an RPC.
/// </summary>
internal static class StoreScope
{
    /// <summary>
    /// The prefix to load (<c>""</c> for the whole tree), or null when nothing in the store bears on it: the fixed
    /// roots (<c>DeviceID</c>, <c>Tags</c>) and the other data model's root.
    /// </summary>
    public static string? Of(PathPattern pattern, string? dataModelRoot)
    {
        var segments = pattern.Segments;
        var root = pattern.Root;
        if (root is "DeviceID" or "Tags")
        {
            return null;
        }

        if (root is "Device" or "InternetGatewayDevice" && dataModelRoot is not null && root != dataModelRoot)
        {
            return null;
        }

        // The prefix depends on the pattern alone; patterns are shared by every session, so it is worked out once.
        return pattern.StoreScope ??= Prefix(segments);
    }

    private static string Prefix(IReadOnlyList<PathSegment> segments)
    {
        var literal = 0;
        while (literal < segments.Count && segments[literal].Name is not null)
        {
            literal++;
        }

        if (literal == segments.Count)
        {
            if (literal == 1)
            {
                // A top-level path: Reboot, FactoryReset, or a data-model root.
                return segments[0].Name!;
            }

            literal--;
        }

        if (literal == 0)
        {
            return string.Empty;
        }

        var prefix = new System.Text.StringBuilder();
        for (var i = 0; i < literal; i++)
        {
            prefix.Append(segments[i].Name).Append('.');
        }

        return prefix.ToString();
    }
}
