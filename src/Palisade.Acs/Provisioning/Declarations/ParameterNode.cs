namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>
/// One node of a session's view of the device tree: what is known about a parameter or object, and since when (Unix
/// milliseconds; 0 for never). Object keys end with '.'.
/// </summary>
internal sealed class ParameterNode(string key)
{
    /// <summary>The full path; objects end with '.'.</summary>
    public string Key { get; } = key;

    public bool IsObject => Key.EndsWith('.');

    /// <summary>The path without the trailing dot of an object, as scripts see it.</summary>
    public string Path => IsObject ? Key[..^1] : Key;

    public string? Value { get; set; }

    /// <summary>The xsd type without prefix, e.g. <c>unsignedInt</c>.</summary>
    public string? Type { get; set; }

    public bool? Writable { get; set; }

    /// <summary>When the value was last read (or written with success).</summary>
    public long ValueAt { get; set; }

    /// <summary>For an object: when its whole subtree was last listed (GetParameterNames, NextLevel false).</summary>
    public long ListedAt { get; set; }
}
