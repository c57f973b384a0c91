using Palisade.Acs.Devices;
using Palisade.Acs.Query;

namespace Palisade.Acs.Storage;

/// <summary>
/// The narrow store the ACS engine needs. Implementations: embedded SQLite (default) and, later,
/// PostgreSQL; both pass the same contract tests. Every write is atomic: a failure throws
/// <see cref="StoreException"/> and leaves the store as it was.
/// </summary>
public interface IDeviceStore : IAsyncDisposable
{
    /// <summary>The device, or null if it never contacted the ACS (or was deleted).</summary>
    Task<Device?> GetDeviceAsync(DeviceId id, CancellationToken cancellationToken);

    /// <summary>The cached parameters of a device under <paramref name="prefix"/> (all when null), in path order.</summary>
    Task<IReadOnlyList<CachedParameter>> GetParametersAsync(DeviceId id, string? prefix, CancellationToken cancellationToken);

    /// <summary>
    /// For each of <paramref name="ids"/> (a page of a list or an export), its cached parameters under each of
    /// <paramref name="prefixes"/> in turn, each prefix's in path order; a device with none maps to an empty list.
    /// </summary>
    Task<IReadOnlyDictionary<DeviceId, IReadOnlyList<CachedParameter>>> GetParametersAsync(IReadOnlyList<DeviceId> ids, IReadOnlyList<string> prefixes, CancellationToken cancellationToken);

    /// <summary>The device's queued tasks in queue order, with those whose expiry passed before <paramref name="now"/> marked expired first.</summary>
    Task<IReadOnlyList<DeviceTask>> TakeQueuedTasksAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Queues a task for a registered device.</summary>
    /// <exception cref="StoreException"><see cref="StoreErrorReason.NotFound"/> when the device is unknown.</exception>
    Task<DeviceTask> AddTaskAsync(DeviceId id, NewTask task, CancellationToken cancellationToken);

    /// <summary>A task by id, or null.</summary>
    Task<DeviceTask?> GetTaskAsync(long taskId, CancellationToken cancellationToken);

    /// <summary>The tasks of a device, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DeviceTask>> ListTasksAsync(DeviceId id, int limit, CancellationToken cancellationToken);

    /// <summary>Cancels a queued task; false if it was no longer queued.</summary>
    Task<bool> CancelTaskAsync(long taskId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Commits everything one session changed, in one transaction.</summary>
    Task CommitSessionAsync(SessionChanges changes, CancellationToken cancellationToken);

    /// <summary>How many devices are registered.</summary>
    Task<long> CountDevicesAsync(CancellationToken cancellationToken);

    /// <summary>Deletes a device with its parameters, tags and tasks; false if it did not exist.</summary>
    Task<bool> DeleteDeviceAsync(DeviceId id, CancellationToken cancellationToken);

    /// <summary>Devices matching a filter, one page at a time, with the total when asked.</summary>
    Task<DeviceSearchResult> SearchDevicesAsync(DeviceSearch search, CancellationToken cancellationToken);

    /// <summary>The ids of up to <paramref name="limit"/> devices matching <paramref name="filter"/> (bulk tasks).</summary>
    Task<IReadOnlyList<DeviceId>> MatchDeviceIdsAsync(Filter? filter, int limit, CancellationToken cancellationToken);

    /// <summary>True when the device exists and matches <paramref name="filter"/>.</summary>
    Task<bool> MatchesAsync(DeviceId id, Filter filter, CancellationToken cancellationToken);

    /// <summary>The device's tags, sorted.</summary>
    Task<IReadOnlyList<string>> GetTagsAsync(DeviceId id, CancellationToken cancellationToken);

    /// <summary>Adds (<paramref name="present"/>) or removes a tag; false when the device does not exist.</summary>
    Task<bool> SetTagAsync(DeviceId id, string tag, bool present, CancellationToken cancellationToken);

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
