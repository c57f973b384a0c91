using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Sessions;

/// <summary>The engine's part in keeping a device in one session across the nodes that share a store.</summary>
public sealed partial class SessionEngine
{
    // Takes the device's lease across nodes for a session just opened here; the answer to give when it cannot.
    private async Task<CwmpHttpResponse?> TakeLeaseAsync(CwmpSession session, bool registered, CwmpHttpRequest request, CancellationToken cancellationToken)
    {
        string? refusal;
        var kind = "lease";
        try
        {
            session.HoldsLease = await _leases!.TryTakeAsync(session, cancellationToken).ConfigureAwait(false);
            refusal = session.HoldsLease ? null : "a session with this device is open on another node";
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
