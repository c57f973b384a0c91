namespace Palisade.Cwmp.Structs;

/// <summary>A name from GetParameterNamesResponse (TR-069 A.3.2.3): a parameter, or an object when it ends with a dot.</summary>
/// <param name="Name">The full path.</param>
/// <param name="Writable">Whether the ACS may set it (for objects: whether AddObject/DeleteObject applies).</param>
public sealed record ParameterInfoStruct(string Name, bool Writable)
{
    /// <summary>True when the name is an object path (ends with '.').</summary>
    public bool IsObject => Name.EndsWith('.');
}
