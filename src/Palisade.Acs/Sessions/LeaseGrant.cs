using Palisade.Acs.Devices;

namespace Palisade.Acs.Sessions;

/// <summary>The answer to <see cref="ISessionLeases.TryAcquireAsync"/>.</summary>
/// <param name="Taken">True when the lease is now the holder's.</param>
/// <param name="Device">When taken: the device as stored once the lease was taken (null when it is not stored).</param>
public sealed record LeaseGrant(bool Taken, Device? Device)
{
    /// <summary>Another holder's lease has not run out.</summary>
    public static LeaseGrant Refused { get; } = new(false, null);
}
