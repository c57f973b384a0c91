namespace Palisade.Cwmp.Structs;

/// <summary>The attributes of one parameter (TR-069 A.3.2.5, ParameterAttributeStruct).</summary>
/// <param name="Name">The full parameter path.</param>
/// <param name="Notification">0 off, 1 passive, 2 active (3–6 in later amendments).</param>
/// <param name="AccessList">Who besides the ACS may write it, e.g. <c>Subscriber</c>.</param>
public sealed record ParameterAttributeStruct(string Name, int Notification, EquatableList<string> AccessList);
