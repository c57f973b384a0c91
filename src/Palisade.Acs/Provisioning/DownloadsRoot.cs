using System.Globalization;
using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// <c>Downloads.*</c>, GenieACS's record of the downloads provisioning asked for: instances <c>Downloads.N.</c> with
/// <c>FileType</c>, <c>FileName</c> and <c>TargetFileName</c> (written without an RPC) and <c>Download</c>, the time of
/// the instance's last download. Declaring a <c>Download</c> time later than that sends the device a Download of the
/// stored file <c>FileName</c> (the file server's stored-file path, <see cref="IProvisionedDownloads"/>). The records
/// are kept with the device's cached parameters and are always fresh: no RPC ever reads them.
/// </summary>
internal static class DownloadsRoot
{
    public const string Root = "Downloads";

    public const string Prefix = "Downloads.";

    /// <summary>The fields a script may write, and the one that starts a download.</summary>
    public static readonly string[] Writable = ["FileType", "FileName", "TargetFileName"];

    public const string Download = "Download";

    private const long Always = long.MaxValue / 2;

    /// <summary>Marks the records fresh and their listing complete (after a load from the store).</summary>
    public static void Show(DeviceView view)
    {
        view.Ensure(Prefix).ListedAt = Always;
        foreach (var instance in view.ChildrenOf(Prefix))
        {
            foreach (var field in view.ChildrenOf(instance))
            {
                view.Get(field)!.ValueAt = Always;
            }
        }
    }

    /// <summary>The next free instance number after those in the view and <paramref name="planned"/> ones.</summary>
    public static int NextInstance(DeviceView view, int planned)
    {
        var highest = 0;
        foreach (var instance in view.ChildrenOf(Prefix))
        {
            if (int.TryParse(instance.AsSpan(Prefix.Length, instance.Length - Prefix.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                highest = Math.Max(highest, n);
            }
        }

        return highest + planned + 1;
    }

    public static void Set(ProvisioningRun run, string path, string value, string type, DateTimeOffset now)
    {
        run.Learn(new CachedParameter(path, value, type, true, null, null, now));
        run.View.Get(path)!.ValueAt = Always;
        run.View.Ensure(DeviceView.ParentOf(path)).ListedAt = Always;
    }

    public static void Remove(ProvisioningRun run, string instance)
    {
        run.Changes.Parameters.RemoveAll(p => p.Path.StartsWith(instance, StringComparison.Ordinal));
        run.Changes.RemovedSubtrees.Add(instance);
        run.View.RemoveSubtree(instance);
    }
}
