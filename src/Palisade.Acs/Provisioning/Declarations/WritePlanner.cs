using System.Globalization;
using Palisade.Acs.Provisioning.Scripts;
using Palisade.Cwmp;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// From a channel's resolved declarations and the view, the smallest set of changes that makes the device match:
/// per <c>commit()</c> phase, the instances to delete, then to add, then one SetParameterValues with every value that
/// differs from what the device holds; tags change without an RPC; a Reboot or FactoryReset whose declared time is
/// later than the last one comes last; <c>Downloads.*</c> records change without an RPC, and a declared Download time later
/// than an instance's last starts a download. A value the device already holds costs nothing.
/// </summary>
internal static class WritePlanner
{
    public static PlannedWrites Plan(DeviceView view, IReadOnlyList<(Declaration Declaration, List<ParameterNode> Nodes)> resolved, long nowMs)
    {
        var plan = new PlannedWrites();
        if (!AnyWrites(resolved))
        {
            // Only reads declared (the stock default provision): nothing to plan.
            return plan;
        }

        CwmpMessage? reboot = null;
        foreach (var phase in resolved.Where(r => r.Declaration.Writes).GroupBy(r => r.Declaration.Phase).OrderBy(g => g.Key))
        {
            var values = new Dictionary<string, ParameterValueStruct>(StringComparer.Ordinal);
            var deletes = new List<string>();
            var adds = new List<(string Parent, IReadOnlyList<KeyValuePair<string, string>>? Keys)>();
            foreach (var (declaration, nodes) in phase)
            {
                switch (declaration.Pattern.Root)
                {
                    case "Tags":
                        Tag(view, declaration, plan);
                        continue;
                    case "Reboot" or "FactoryReset":
                        reboot = Reset(view, declaration, nowMs) ?? reboot;
                        continue;
                    case "DeviceID" or VirtualParameters.Root:
                        // Read-only, or written by the virtual parameter's own script.
                        continue;
                    case DownloadsRoot.Root:
                        Downloads(view, declaration, nodes, plan);
                        continue;
                }

                if (declaration.PathCount is { } count)
                {
                    Instances(view, declaration, nodes, count, deletes, adds);
                }

                if (declaration.Value is { } value)
                {
                    foreach (var node in nodes.Where(n => !n.IsObject))
                    {
                        var type = value.TypeFor(node.Type);
                        // A secret the cache holds as blank (Palisade never caches secrets, CPEs report them blank) is
                        // taken to hold what was set; it is written when never read or written, or after a clear().
                        if (node.ValueAt > 0 && (value.SameAs(node.Value, type) || node.Value is "" && SecretParameters.IsSecret(node.Key)))
                        {
                            values.Remove(node.Key);
                            continue;
                        }

                        try
                        {
                            values[node.Key] = new ParameterValueStruct(node.Key, ParameterValue.Parse(type, value.TextFor(type)));
                        }
                        catch (CwmpException e)
                        {
                            throw DeclareApi.Abort(ScriptFaultCodes.Error, $"{node.Key}: {e.Message}");
                        }
                    }
                }
            }

            foreach (var instance in deletes.Distinct(StringComparer.Ordinal))
            {
                plan.Rpcs.Add((new DeleteObjectRequest(instance, string.Empty), null));
            }

            foreach (var (parent, keys) in adds)
            {
                plan.Rpcs.Add((new AddObjectRequest(parent, string.Empty), keys));
            }

            if (values.Count > 0)
            {
                plan.Rpcs.Add((new SetParameterValuesRequest(EquatableList<ParameterValueStruct>.FromArray([.. values.Values]), string.Empty), null));
            }
        }

        if (reboot is not null)
        {
            plan.Rpcs.Add((reboot, null));
        }

        return plan;
    }

    private static bool AnyWrites(IReadOnlyList<(Declaration Declaration, List<ParameterNode> Nodes)> resolved)
    {
        foreach (var (declaration, _) in resolved)
        {
            if (declaration.Writes)
            {
                return true;
            }
        }

        return false;
    }

    // "declare(X.*, null, {path: n})": n instances under each parent (of those the alias filter selects).
    private static void Instances(DeviceView view, Declaration declaration, List<ParameterNode> nodes, int count, List<string> deletes, List<(string, IReadOnlyList<KeyValuePair<string, string>>?)> adds)
    {
        var last = declaration.Pattern.Segments[^1];
        if (last.Name is not null)
        {
            throw DeclareApi.Abort(ScriptFaultCodes.Error, $"An instance count needs a path that ends with * or an alias filter: '{declaration.Pattern.Text}'.");
        }

        var byParent = nodes.Where(n => n.IsObject).GroupBy(n => DeviceView.ParentOf(n.Key)).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var parent in Parents(view, declaration))
        {
            var instances = byParent.GetValueOrDefault(parent) ?? [];
            for (var i = instances.Count - 1; i >= count; i--)
            {
                deletes.Add(instances[i].Key);
            }

            for (var i = instances.Count; i < count; i++)
            {
                adds.Add((parent, last.IsAlias && last.Filter!.Count > 0 ? last.Filter : null));
            }
        }
    }

    // The objects the pattern's last segment is applied to: the pattern without it, resolved (its data is known by now).
    private static IEnumerable<string> Parents(DeviceView view, Declaration declaration)
    {
        var text = string.Join('.', declaration.Pattern.Segments.Take(declaration.Pattern.Segments.Count - 1).Select(s => s.ToString()));
        if (text.Length == 0 || PathPattern.TryParse(text, out _) is not { } parentPattern)
        {
            return [];
        }

        var nodes = DeclarationResolver.Resolve(view, new Declaration(parentPattern, 0, 0, 0, null, null, 0), new FetchNeeds());
        return nodes?.Where(n => n.IsObject).Select(n => n.Key) ?? [];
    }

    // Downloads.*: the ACS's own records (no RPC), and a download where a declared Download time is later than the last.
    private static void Downloads(DeviceView view, Declaration declaration, List<ParameterNode> nodes, PlannedWrites plan)
    {
        var segments = declaration.Pattern.Segments;
        if (declaration.PathCount is { } count)
        {
            if (segments.Count != 2 || segments[1].Name is not null)
            {
                throw DeclareApi.Abort(ScriptFaultCodes.Error, $"An instance count under Downloads needs Downloads.* or Downloads.[…]: '{declaration.Pattern.Text}'.");
            }

            var instances = nodes.Where(n => n.IsObject).Select(n => n.Key).ToList();
            plan.DownloadRemovals.AddRange(instances.Skip(count));
            var filter = segments[1].IsAlias ? segments[1].Filter ?? [] : [];
            for (var i = instances.Count; i < count; i++)
            {
                var instance = DownloadsRoot.Prefix + DownloadsRoot.NextInstance(view, plan.DownloadValues.Count(v => v.Path.EndsWith("." + DownloadsRoot.Download, StringComparison.Ordinal))).ToString(CultureInfo.InvariantCulture) + ".";
                foreach (var field in DownloadsRoot.Writable.Append(DownloadsRoot.Download))
                {
                    var keyed = filter.FirstOrDefault(f => f.Key == field);
                    plan.DownloadValues.Add((instance + field, keyed.Key is null || field == DownloadsRoot.Download ? string.Empty : keyed.Value));
                }
            }
        }

        if (declaration.Value is not { } value)
        {
            return;
        }

        foreach (var node in nodes.Where(n => !n.IsObject))
        {
            var field = node.Key[(node.Key.LastIndexOf('.') + 1)..];
            if (field == DownloadsRoot.Download)
            {
                var wanted = Millis(value.Text);
                if (wanted > 0 && wanted > Millis(node.Value))
                {
                    plan.DownloadStarts.Add(DeviceView.ParentOf(node.Key));
                }
            }
            else if (Array.IndexOf(DownloadsRoot.Writable, field) >= 0 && !string.Equals(node.Value, value.Text, StringComparison.Ordinal))
            {
                plan.DownloadValues.Add((node.Key, value.Text));
            }
        }
    }

    private static void Tag(DeviceView view, Declaration declaration, PlannedWrites plan)
    {
        if (declaration.Value is not { } value || declaration.Pattern.Segments is not [_, { Name: { } tag }])
        {
            return;
        }

        var present = ParameterValue.TryParseBoolean(value.Text, out var b) && b;
        if (present != view.Get("Tags." + tag) is not null)
        {
            plan.Tags.Add((tag, present));
        }
    }

    private static CwmpMessage? Reset(DeviceView view, Declaration declaration, long nowMs)
    {
        if (declaration.Value is not { } value)
        {
            return null;
        }

        var root = declaration.Pattern.Root!;
        var wanted = Millis(value.Text);
        var last = Millis(view.Get(root)?.Value);
        if (wanted <= last || wanted <= 0)
        {
            return null;
        }

        return root == "Reboot" ? new RebootRequest("provisioning-" + nowMs.ToString(CultureInfo.InvariantCulture)) : new FactoryResetRequest();
    }

    /// <summary>A timestamp given as milliseconds or as a date.</summary>
    public static double Millis(string? text)
    {
        if (text is null)
        {
            return 0;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d.ToUnixTimeMilliseconds() : 0;
    }
}
