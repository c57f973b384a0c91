namespace Palisade.Cwmp.Structs;

/// <summary>A name/value argument of RequestDownload's FileTypeArg (TR-069 A.4.2.2).</summary>
/// <param name="Name">The argument name.</param>
/// <param name="Value">The argument value.</param>
public sealed record ArgStruct(string Name, string Value);
