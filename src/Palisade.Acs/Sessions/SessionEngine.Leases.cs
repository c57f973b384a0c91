using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Sessions;

/// <summary>The engine's part in keeping a device in one session across the nodes that share a store.</summary>
public sealed partial class SessionEngine
{
    /// <summary>True while the node drains before it stops: new sessions get 503 with Retry-After, open ones go on.</summary>
    public bool Draining { get; set; }

    /// <summary>
    /// Ends every open session now, as a timeout ends one: what each learned is committed, tasks it never finished stay
    /// queued, and its lease is given back. For a node that stops after its drain bound.
    /// </summary>
    public async Task<int> EndAllAsync(CancellationToken cancellationToken)
    {
        var open = _sessions.CloseAll();
        foreach (var session in open)
        {
            await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Closed in the table already; EndAsync closes it again harmlessly and commits.
                await EndAsync(session, SessionOutcome.Timeout, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                session.Gate.Release();
            }
        }

        return open.Count;
    }

    // Takes the device's lease across nodes for a session just opened here, and starts the session from the device as
    // stored under the lease; the answer to give when it cannot.
    private async Task<CwmpHttpResponse?> TakeLeaseAsync(CwmpSession session, Device? known, Func<Device?, Device> build, bool registered, CwmpHttpRequest request, CancellationToken cancellationToken)
    {
        string? refusal;
        var kind = "lease";
        try
        {
            var grant = await _leases!.TryTakeAsync(session, cancellationToken).ConfigureAwait(false);
            session.HoldsLease = grant.Taken;
            refusal = grant.Taken ? null : "a session with this device is open on another node";
            if (grant.Taken && !RecentDevices.SameAdmission(known, grant.Device))
            {
                // Stored, deleted or given other credentials by another node between the read (or this node's copy) and
                // the lease: authentication and enrollment were decided on what is no longer there. The device tries
                // again at once, and is decided on the store's record.
                _leases.Recent.Forget(session.Id);
                session.HoldsLease = false;
                await _leases.GiveBackAsync(session).ConfigureAwait(false);
                refusal = "the device was changed on another node meanwhile";
            }
            else if (grant.Device is { } fresh)
            {
                session.Rebase(build(fresh), fresh);
                session.QueuedTasks = grant.QueuedTasks;
            }
        }
        catch (StoreException e) when (e.Reason == StoreErrorReason.Unavailable)
        {
            refusal = "the store is unreachable";
            kind = "store";
        }

        if (refusal is null)
        {
            return null;
        }

        _sessions.Close(session.Token);
        _shedder.Release(session.AuthMethod == AuthMethods.Bootstrap);
        if (registered)
        {
            _enrollment.Withdraw(request.Connection.RemoteAddress);
        }

        Counters.LeaseConflicts.Increment();
        return Busy(refusal, kind);
    }
}
