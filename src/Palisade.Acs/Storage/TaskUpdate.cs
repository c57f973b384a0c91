namespace Palisade.Acs.Storage;

/// <summary>A task's new state, written with the session that produced it.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Status">Its new status.</param>
/// <param name="Result">Its result as JSON, or null.</param>
/// <param name="Fault">Its fault, or null.</param>
public sealed record TaskUpdate(long TaskId, DeviceTaskStatus Status, string? Result, TaskFault? Fault);
