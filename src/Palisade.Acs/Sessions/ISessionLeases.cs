using Palisade.Acs.Devices;

namespace Palisade.Acs.Sessions;

/// <summary>
/// Leases on devices that every node sharing a store sees: a device is in at most one session across all nodes. A
/// session takes its device's lease when it opens, renews it while it runs, and gives it back when it ends; a lease
/// whose node died runs out by itself. A store of one process need not provide it (the engine's own table is enough).
/// A store that provides it also gives back, in the session's commit, the lease that
/// <see cref="Storage.SessionChanges.LeaseHolder"/> names, so that a session's end is one write.
/// </summary>
public interface ISessionLeases
{
    /// <summary>
    /// Takes <paramref name="device"/> for <paramref name="holder"/> until <paramref name="until"/>, refused while another
    /// holder's lease has not run out; once taken, reads the device as the store holds it now, so that the session starts
    /// from every commit of the sessions that held the lease before (a read made before taking it may miss the last one).
    /// </summary>
    Task<LeaseGrant> TryAcquireAsync(DeviceId device, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Extends a lease <paramref name="holder"/> holds; false when it no longer holds it.</summary>
    Task<bool> RenewAsync(DeviceId device, string holder, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives a lease back (nothing when <paramref name="holder"/> no longer holds it).</summary>
    Task ReleaseAsync(DeviceId device, string holder, CancellationToken cancellationToken);
}
