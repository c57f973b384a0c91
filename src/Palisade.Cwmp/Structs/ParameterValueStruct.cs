using Palisade.Cwmp.Values;

namespace Palisade.Cwmp.Structs;

/// <summary>A parameter name with its typed value (TR-069 A.3.2.1, ParameterValueStruct).</summary>
/// <param name="Name">The full parameter path.</param>
/// <param name="Value">The typed value.</param>
public sealed record ParameterValueStruct(string Name, ParameterValue Value);
