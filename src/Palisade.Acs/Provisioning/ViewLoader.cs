using Device = Palisade.Acs.Devices.Device;
using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// Builds a session's view of its device: what the session learned before provisioning (the Inform's parameters, the
/// operator tasks' answers), the special roots (<c>DeviceID.*</c>, <c>Tags.*</c>, <c>Reboot</c>,
/// <c>FactoryReset</c> and <c>Downloads.*</c>, always fresh), and the cached tree with its read times, loaded from the store by subtree as
/// preconditions and declarations need it (<see cref="LoadAsync(CwmpSession, IDeviceRegistry, DeviceView, IReadOnlyCollection{string}?, CancellationToken)"/>):
/// a session whose declared data is fresh reads only the subtrees it declares.
/// </summary>
internal static class ViewLoader
{
    private const long Always = long.MaxValue / 2;

    public static async ValueTask<(DeviceView View, IReadOnlySet<string> Tags)> LoadAsync(CwmpSession session, IDeviceRegistry registry, CancellationToken cancellationToken)
    {
        var root = session.Changes.Device.DataModelRoot?.TrimEnd('.');
        var view = new DeviceView(root);
        IReadOnlyList<string> tags = [];
        if (session.IsFirstContact)
        {
            // The store has nothing of a device it never saw.
            view.MarkLoaded(null);
        }
        else
        {
            tags = await registry.GetTagsAsync(session.Id, cancellationToken).ConfigureAwait(false);
        }

        foreach (var p in session.Changes.Parameters)
        {
            view.Apply(p, p.ReadAt?.ToUnixTimeMilliseconds() ?? 0);
        }

        Complete(view, session.Changes.Device, tags);
        return (view, tags.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The parts of the view that are not the device's parameters: root, DeviceID.*, Tags.*, the special nodes.</summary>
    public static void Complete(DeviceView view, Device device, IReadOnlyList<string> tags)
    {
        var root = device.DataModelRoot?.TrimEnd('.');
        if (root is not null)
        {
            view.Ensure(root + ".");
        }

        var id = device.Id;
        Fixed(view, "DeviceID.ID", id.ToString());
        Fixed(view, "DeviceID.SerialNumber", id.SerialNumber);
        Fixed(view, "DeviceID.ProductClass", id.ProductClass);
        Fixed(view, "DeviceID.OUI", id.Oui);
        Fixed(view, "DeviceID.Manufacturer", device.Manufacturer);
        view.Ensure("DeviceID.").ListedAt = Always;
        view.Ensure("Tags.").ListedAt = Always;
        foreach (var tag in tags)
        {
            TagWriter.Show(view, tag);
        }

        foreach (var special in new[] { "Reboot", "FactoryReset" })
        {
            view.Ensure(special).ValueAt = Always;
        }

        view.Ensure(VirtualParameters.Root + ".");
        DownloadsRoot.Show(view);
    }

    /// <summary>
    /// Loads the store's rows under <paramref name="prefixes"/> (null: the whole tree) that the view does not hold yet,
    /// then applies again what the session learned (newer than the store) and the session's <c>clear()</c>s.
    /// </summary>
    public static async ValueTask LoadAsync(CwmpSession session, IDeviceRegistry registry, DeviceView view, IReadOnlyCollection<string>? prefixes, CancellationToken cancellationToken)
    {
        IReadOnlyList<CachedParameter> rows;
        if (prefixes is null || prefixes.Any(p => p.Length == 0))
        {
            if (view.Complete)
            {
                return;
            }

            rows = await registry.GetParametersAsync(session.Id, null, cancellationToken).ConfigureAwait(false);
            view.MarkLoaded(null);
        }
        else
        {
            var wanted = new List<string>();
            foreach (var prefix in prefixes.Where(p => !view.Covers(p)).Order(StringComparer.Ordinal))
            {
                if (!wanted.Exists(w => prefix.StartsWith(w, StringComparison.Ordinal)))
                {
                    wanted.Add(prefix);
                }
            }

            if (wanted.Count == 0)
            {
                return;
            }

            var read = await registry.GetParametersAsync([session.Id], wanted, cancellationToken).ConfigureAwait(false);
            rows = read.GetValueOrDefault(session.Id) ?? [];
            foreach (var prefix in wanted)
            {
                view.MarkLoaded(prefix);
            }
        }

        foreach (var p in rows)
        {
            view.Apply(p, p.ReadAt?.ToUnixTimeMilliseconds() ?? 0);
        }

        foreach (var p in session.Changes.Parameters)
        {
            view.Apply(p, p.ReadAt?.ToUnixTimeMilliseconds() ?? 0);
        }

        view.ReapplyClears();
        DownloadsRoot.Show(view);
    }

    private static void Fixed(DeviceView view, string path, string value)
    {
        var node = view.Ensure(path);
        node.Value = value;
        node.Type = "string";
        node.Writable = false;
        node.ValueAt = Always;
    }
}
