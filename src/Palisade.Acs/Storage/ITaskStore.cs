using Palisade.Acs.Devices;
using Palisade.Acs.Query;

namespace Palisade.Acs.Storage;

/// <summary>The task queue as operators see it: queue, list, cancel, retry, faults and the history's pruning.</summary>
public interface ITaskStore : ITaskLookup
{
    /// <summary>Queues a task for a registered device.</summary>
    /// <exception cref="StoreException"><see cref="StoreErrorReason.NotFound"/> when the device is unknown.</exception>
    Task<DeviceTask> AddTaskAsync(DeviceId id, NewTask task, CancellationToken cancellationToken);

    /// <summary>The tasks of a device, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DeviceTask>> ListTasksAsync(DeviceId id, int limit, CancellationToken cancellationToken);

    /// <summary>Cancels a queued task; false if it was no longer queued.</summary>
    Task<bool> CancelTaskAsync(long taskId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Queues a faulted, expired or cancelled task again; null when it does not exist or is queued or done.</summary>
    Task<DeviceTask?> RetryTaskAsync(long taskId, DateTimeOffset now, DateTimeOffset? expiresAt, CancellationToken cancellationToken);

    /// <summary>Faulted tasks, newest first, of one device, of the devices a filter matches, or of all.</summary>
    Task<IReadOnlyList<DeviceTask>> ListFaultsAsync(DeviceId? id, Filter? filter, int limit, CancellationToken cancellationToken);

    /// <summary>Removes a faulted task (the fault is dealt with); false when there is no such fault.</summary>
    Task<bool> ClearFaultAsync(long taskId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes at most <paramref name="limit"/> finished tasks (done, faulted, cancelled, expired) whose last change is
    /// before <paramref name="finishedBefore"/>, oldest first; queued tasks are never touched. Returns how many went.
    /// </summary>
    Task<int> DeleteFinishedTasksAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken);
}
