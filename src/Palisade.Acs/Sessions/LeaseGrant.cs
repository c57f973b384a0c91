using Palisade.Acs.Devices;

namespace Palisade.Acs.Sessions;

/// <summary>The answer to <see cref="ISessionLeases.TryAcquireAsync"/>.</summary>
/// <param name="Taken">True when the lease is now the holder's.</param>
/// <param name="Device">When taken: the device as stored once the lease was taken (null when it is not stored).</param>
public sealed record LeaseGrant(bool Taken, Device? Device)
{
    /// <summary>
    /// When taken: whether the device has queued tasks, read under the lease with the device (null: not told, the
    /// session asks <see cref="Storage.ISessionStore.TakeQueuedTasksAsync"/>). False spares the session that read.
    /// </summary>
    public bool? QueuedTasks { get; init; }

    /// <summary>Another holder's lease has not run out.</summary>
    public static LeaseGrant Refused { get; } = new(false, null);
}
