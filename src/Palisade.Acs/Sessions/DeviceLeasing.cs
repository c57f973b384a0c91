using Palisade.Acs.Storage;

namespace Palisade.Acs.Sessions;

/// <summary>
/// How the engine holds a device across nodes that share a store (<see cref="ISessionLeases"/>). A lease lasts one
/// session timeout from its latest renewal, so the devices of a node that died are free again within that; it is
/// renewed by a request once a tenth of it has passed (not on every request), and given back by the session's commit
/// (<see cref="SessionChanges.LeaseHolder"/>), or on its own when the session ends without one. A store of one process has no leases: the engine's
/// own table is the lease there, and this costs nothing.
/// </summary>
internal sealed class DeviceLeasing(ISessionLeases leases, TimeSpan sessionTimeout, TimeProvider time)
{
    private readonly TimeSpan _renewAfter = sessionTimeout / 10;

    /// <summary>The devices this node's sessions committed lately, to authenticate their next session on.</summary>
    public RecentDevices Recent { get; } = new();

    // Leases of this node's ended sessions that could not be given back (the store was away): given back before the
    // device's next session here, so that it does not wait for them to run out.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _unreleased = new(StringComparer.Ordinal);

    /// <summary>Takes the session's device and reads it as stored under the lease; refused while a session on another node holds it.</summary>
    /// <exception cref="StoreException">The store cannot say (the caller answers 503).</exception>
    public async Task<LeaseGrant> TryTakeAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        if (!_unreleased.IsEmpty && _unreleased.TryRemove(session.Id.ToString(), out var earlier))
        {
            try
            {
                await leases.ReleaseAsync(session.Id, earlier, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException)
            {
                _unreleased.TryAdd(session.Id.ToString(), earlier);
                throw;
            }
        }

        var now = time.GetUtcNow();
        var taken = await leases.TryAcquireAsync(session.Id, session.Token, now, now + sessionTimeout, cancellationToken).ConfigureAwait(false);
        session.LeaseRenewedAt = now;
        return taken;
    }

    /// <summary>Renews the lease when due; false when it ran out and a session on another node has the device now.</summary>
    public async Task<bool> KeepAsync(CwmpSession session, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - session.LeaseRenewedAt < _renewAfter)
        {
            return true;
        }

        try
        {
            var kept = await leases.RenewAsync(session.Id, session.Token, now + sessionTimeout, cancellationToken).ConfigureAwait(false);
            session.LeaseRenewedAt = now;
            return kept;
        }
        catch (StoreException)
        {
            // The store is unreachable for now: nobody else can take the device meanwhile either, and the session's
            // commit will tell. Tried again on the next request.
            return true;
        }
    }

    /// <summary>Gives the lease back once the session has ended (and committed).</summary>
    public async Task GiveBackAsync(CwmpSession session)
    {
        try
        {
            await leases.ReleaseAsync(session.Id, session.Token, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreException)
        {
            // Not given back: it runs out by itself within the session timeout, or goes before the device's next session here.
            _unreleased[session.Id.ToString()] = session.Token;
        }
    }
}
