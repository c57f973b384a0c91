using Palisade.Acs.Devices;

namespace Palisade.Acs.Storage;

/// <summary>
/// What the session engine needs: the device that informs, its queued tasks, and the atomic commit of what a
/// session changed. Every write is atomic: a failure throws <see cref="StoreException"/> and leaves the store as it was.
/// </summary>
public interface ISessionStore : IDeviceLookup, ITaskLookup
{
    /// <summary>The device's queued tasks in queue order, with those whose expiry passed before <paramref name="now"/> marked expired first.</summary>
    Task<IReadOnlyList<DeviceTask>> TakeQueuedTasksAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Commits everything one session changed, in one transaction.</summary>
    Task CommitSessionAsync(SessionChanges changes, CancellationToken cancellationToken);
}
