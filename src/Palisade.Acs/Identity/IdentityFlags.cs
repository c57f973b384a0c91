namespace Palisade.Acs.Identity;

/// <summary>
/// The tags Palisade puts on a device to flag what an operator should look at. Tags, so that a filter finds them
/// (<c>tag = "identity-conflict"</c>), the posture counts them, and an operator clears one by removing the tag.
/// </summary>
public static class IdentityFlags
{
    /// <summary>A second party presented the device's id with a weaker way in than the one the id is bound to.</summary>
    public const string IdentityConflict = "identity-conflict";

    /// <summary>The device reported more than its storage bounds allow; the excess was not stored.</summary>
    public const string StorageBound = "storage-bound";
}
