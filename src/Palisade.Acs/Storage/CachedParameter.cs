namespace Palisade.Acs.Storage;

/// <summary>
/// One node of a device's cached parameter tree: a parameter, or an object when the path ends
/// with '.'. Every field the ACS has not learned yet is null; each response that teaches it
/// something overwrites just that.
/// </summary>
/// <param name="Path">The full path.</param>
/// <param name="Value">The value's text, or null if never read.</param>
/// <param name="Type">The xsd type name (e.g. <c>unsignedInt</c>), or null.</param>
/// <param name="Writable">From GetParameterNames, or null.</param>
/// <param name="Notification">From GetParameterAttributes (0 off, 1 passive, 2 active), or null.</param>
/// <param name="AccessList">From GetParameterAttributes, comma-separated, or null.</param>
/// <param name="ReadAt">When the value was last read from the device, or null.</param>
public sealed record CachedParameter(
    string Path,
    string? Value,
    string? Type,
    bool? Writable,
    int? Notification,
    string? AccessList,
    DateTimeOffset? ReadAt)
{
    /// <summary>True for object nodes.</summary>
    public bool IsObject => Path.EndsWith('.');
}
