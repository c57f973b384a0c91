using Microsoft.Extensions.Time.Testing;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Testing;

namespace Palisade.Cpe.Tests;

/// <summary>Drives a UDP listener's STUN client on a fake clock: waits until it waits, then moves the clock to when it wakes.</summary>
internal sealed class StunClock(UdpConnectionRequestListener udp, FakeTimeProvider time)
{
    private long _round;

    /// <summary>
    /// Waits (real time, generous) until the client waits in a round newer than the last one moved past and begun after
    /// every wake-up so far, then advances the clock to that round's wake time, which it returns.
    /// </summary>
    public async Task<DateTimeOffset> AdvanceAsync()
    {
        (long Round, long Activity, DateTimeOffset Next) idle = default;
        await Eventually.HoldsAsync(
            () =>
            {
                if (udp.StunIdle is { } i && i.Round > _round && i.Activity == udp.StunActivity)
                {
                    idle = i;
                    return true;
                }

                return false;
            },
            "the STUN client waiting",
            TimeSpan.FromSeconds(30));
        _round = idle.Round;
        var now = time.GetUtcNow();
        if (idle.Next > now)
        {
            time.Advance(idle.Next - now);
        }

        return idle.Next;
    }
}
