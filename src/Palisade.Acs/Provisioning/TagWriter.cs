using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Provisioning;

/// <summary><c>Tags.name</c>: a tag the device has reads <c>true</c>; declaring <c>true</c> adds it and <c>false</c> removes it, in the session's commit.</summary>
internal static class TagWriter
{
    public static void Show(DeviceView view, string tag)
    {
        var node = view.Ensure("Tags." + tag);
        node.Value = "true";
        node.Type = "boolean";
        node.Writable = true;
        node.ValueAt = long.MaxValue / 2;
    }

    public static void Apply(ProvisioningRun run, string tag, bool present)
    {
        run.Changes.Tags.Add(new TagChange(tag, present));
        if (present)
        {
            Show(run.View, tag);
        }
        else
        {
            run.View.RemoveSubtree("Tags." + tag);
        }
    }
}
