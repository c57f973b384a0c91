namespace Palisade.Cwmp.Structs;

/// <summary>A per-parameter fault inside a 9003 SetParameterValues fault (TR-069 A.5).</summary>
/// <param name="ParameterName">The parameter that could not be set.</param>
/// <param name="FaultCode">Its fault, e.g. 9005, 9006, 9007, 9008.</param>
/// <param name="FaultString">The fault's description.</param>
public sealed record SetParameterValuesFault(string ParameterName, int FaultCode, string FaultString);
