namespace Palisade.Acs.Storage;

/// <summary>Reading one task: shared by the session engine (<see cref="ISessionStore"/>) and the task queue (<see cref="ITaskStore"/>).</summary>
public interface ITaskLookup
{
    /// <summary>A task by id, or null.</summary>
    Task<DeviceTask?> GetTaskAsync(long taskId, CancellationToken cancellationToken);
}
