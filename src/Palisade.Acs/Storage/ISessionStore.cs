using Palisade.Acs.Devices;

namespace Palisade.Acs.Storage;

/// <summary>
/// What the session engine needs: the device that informs, its queued tasks, and the atomic commit of what a
/// session changed. Every write is atomic: a failure throws <see cref="StoreException"/> and leaves the store as it was.
/// </summary>
public interface ISessionStore : IDeviceLookup, ITaskLookup
{
    /// <summary>
    /// The device's queued tasks in queue order, with those whose expiry passed before <paramref name="now"/> marked
    /// expired first. Each one returned is counted as an attempt at once, whether or not the session commits
    /// (<see cref="TaskUpdate.AttemptDelta"/> gives back the ones it never sent).
    /// </summary>
    Task<IReadOnlyList<DeviceTask>> TakeQueuedTasksAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>True when an operator deleted and blocked the device (<see cref="IDeviceRegistry.BlockDeviceAsync"/>): it may not enroll again.</summary>
    Task<bool> IsBlockedAsync(DeviceId id, CancellationToken cancellationToken);

    /// <summary>
    /// Commits everything one session changed, in one transaction. A device the session found stored
    /// (<see cref="SessionChanges.Known"/>) and that was deleted meanwhile stays deleted: nothing of the session is
    /// written. Its credentials are written only when the session changed them. A device first seen in this session
    /// is inserted, unless its id is blocked (<see cref="StoreErrorReason.Rejected"/>).
    /// </summary>
    Task CommitSessionAsync(SessionChanges changes, CancellationToken cancellationToken);
}
