using Palisade.Acs.Storage;

namespace Palisade.Acs.Sessions;

/// <summary>
/// How the engine holds a device across nodes (<see cref="ISessionLeases"/>): a lease lasts one session timeout from
/// its latest renewal, so a node that dies holds its devices no longer than that; it is renewed once a third of it has
/// passed, not on every request, and given back when the session ends.
/// </summary>
internal sealed class DeviceLeasing(ISessionLeases leases, TimeSpan sessionTimeout)
{
    /// <summary>Takes the session's device; false while a session on another node holds it, or the store cannot say.</summary>
    public async Task<bool> TryTakeAsync(CwmpSession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            session.LeaseRenewedAt = now;
            return await leases.TryAcquireAsync(session.Id, session.Token, now, now + sessionTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException)
        {
            return false;
        }
    }

    /// <summary>Renews the lease when due; false when it ran out and another node's session has the device now.</summary>
    public async Task<bool> KeepAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        var now = session.Now;
        if (now - session.LeaseRenewedAt <= sessionTimeout / 3)
        {
            return true;
        }

        try
        {
            session.LeaseRenewedAt = now;
            return await leases.RenewAsync(session.Id, session.Token, now + sessionTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException)
        {
            // Unreachable for now: the session's commit will tell. Tried again on the next request.
            session.LeaseRenewedAt = DateTimeOffset.MinValue;
            return true;
        }
    }

    /// <summary>Gives the lease back after the session's commit.</summary>
    public async Task GiveBackAsync(CwmpSession session)
    {
        try
        {
            await leases.ReleaseAsync(session.Id, session.Token, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreException)
        {
            // Not given back: it runs out by itself within the session timeout.
        }
    }
}
