namespace Palisade.Acs.Storage;

/// <summary>The CWMP fault a task ended with.</summary>
/// <param name="Code">The fault code, e.g. 9003.</param>
/// <param name="Message">The device's fault string.</param>
/// <param name="Detail">Per-parameter faults as JSON, or null.</param>
public sealed record TaskFault(int Code, string Message, string? Detail);
