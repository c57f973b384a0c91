using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Server.Operations;

/// <summary>
/// What <c>/healthz</c> and <c>/readyz</c> answer: the process is alive; the node is ready while it is not draining and
/// its store answers a point read within a few seconds.
/// </summary>
internal sealed class NodeHealth(IDeviceLookup store)
{
    // A device id no CPE can have (an empty OUI is refused at the Inform): the read costs one index probe.
    private static readonly DeviceId Probe = new("000000", "palisade", "readiness");
    private static readonly TimeSpan StoreBound = TimeSpan.FromSeconds(3);
    private volatile bool _draining;

    /// <summary>True once the node was asked to stop: it takes no new sessions, and load balancers take it out.</summary>
    public bool Draining
    {
        get => _draining;
        set => _draining = value;
    }

    /// <summary>Null when ready, else why not.</summary>
    public async Task<string?> NotReadyAsync(CancellationToken cancellationToken)
    {
        if (Draining)
        {
            return "draining";
        }

        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(StoreBound);
        try
        {
            await store.GetDeviceAsync(Probe, bound.Token).ConfigureAwait(false);
            return null;
        }
        catch (StoreException)
        {
            return "store unreachable";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "store too slow";
        }
    }
}
