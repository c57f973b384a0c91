namespace Palisade.Acs.Sessions;

/// <summary>
/// What the nodes sharing a store must also share for state that spans requests and sessions: keys derived from the
/// store key (Digest nonces, moveToHttps probe tokens), so a token minted by one node is good on another, and the
/// arrivals of moveToHttps probes, so the node that hears the device's TransferComplete knows of a probe another node
/// received. A store of one process need not provide it: the engine then keeps both in its own memory.
/// </summary>
public interface ISharedNodeState
{
    /// <summary>A 256-bit key for <paramref name="purpose"/>, the same on every node that shares the store.</summary>
    byte[] DeriveKey(string purpose);

    /// <summary>Records that the probe of task <paramref name="taskId"/> arrived at <paramref name="at"/>.</summary>
    Task RecordProbeArrivalAsync(long taskId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Takes (once) the arrival of the probe of task <paramref name="taskId"/>; null when none was recorded.</summary>
    Task<DateTimeOffset?> TakeProbeArrivalAsync(long taskId, CancellationToken cancellationToken);
}
