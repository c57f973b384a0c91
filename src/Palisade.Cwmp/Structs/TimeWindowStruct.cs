namespace Palisade.Cwmp.Structs;

/// <summary>A time window of ScheduleDownload (TR-069 A.4.1.8).</summary>
/// <param name="WindowStart">Seconds from the request to the window's start.</param>
/// <param name="WindowEnd">Seconds from the request to the window's end.</param>
/// <param name="WindowMode">e.g. <c>1 At Any Time</c>, <c>2 Immediately</c>, <c>3 When Idle</c>, <c>4 Confirmation Needed</c>.</param>
/// <param name="UserMessage">Text for the user when confirmation is needed.</param>
/// <param name="MaxRetries">Retries within the window; -1 means CPE decides.</param>
public sealed record TimeWindowStruct(uint WindowStart, uint WindowEnd, string WindowMode, string UserMessage, int MaxRetries);
