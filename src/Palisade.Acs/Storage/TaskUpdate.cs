namespace Palisade.Acs.Storage;

/// <summary>A task's new state, written with the session that produced it.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Status">Its new status.</param>
/// <param name="Result">Its result as JSON, or null.</param>
/// <param name="Fault">Its fault, or null.</param>
public sealed record TaskUpdate(long TaskId, DeviceTaskStatus Status, string? Result, TaskFault? Fault)
{
    /// <summary>
    /// What to add to the task's attempts. The engine counts an attempt when it takes the task
    /// from the queue, so its own updates add 0, and give back (-1) a task it took
    /// but never sent.
    /// </summary>
    public int AttemptDelta { get; init; } = 1;
}
