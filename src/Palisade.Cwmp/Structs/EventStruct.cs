namespace Palisade.Cwmp.Structs;

/// <summary>One event in an Inform (TR-069 A.3.3.1, EventStruct); codes are in <see cref="Events.EventCodes"/>.</summary>
/// <param name="EventCode">The event code, e.g. <c>1 BOOT</c> or <c>M Reboot</c>.</param>
/// <param name="CommandKey">The command key of the method that caused it, or empty.</param>
public sealed record EventStruct(string EventCode, string CommandKey = "");
