namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>What makes a run deterministic for one device in one session: its id (the seed of <c>Math.random()</c> and the phase of <c>Date.now(interval)</c>) and the session's clock.</summary>
/// <param name="DeviceId">The device's id, as <c>DeviceID.ID</c> reads it.</param>
/// <param name="Now">The session's time, fixed for the whole session (every round and every run see the same).</param>
internal sealed record SandboxContext(string DeviceId, DateTimeOffset Now)
{
    /// <summary>The session's time in Unix milliseconds.</summary>
    public long NowMs => Now.ToUnixTimeMilliseconds();

    // The hash of the id it was computed for (a `with` copy keeps the field, so the id is checked).
    private (string Id, ulong Hash)? _hash;

    /// <summary>A 64-bit hash of the device id (stable across processes and versions).</summary>
    public ulong DeviceHash
    {
        get
        {
            if (_hash is { } known && ReferenceEquals(known.Id, DeviceId))
            {
                return known.Hash;
            }

            var hash = BitConverter.ToUInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(DeviceId)));
            _hash = (DeviceId, hash);
            return hash;
        }
    }

    /// <summary>
    /// <c>Date.now(interval, variance)</c>: the session's time rounded down to <paramref name="interval"/>, shifted by an
    /// offset in [0, variance) that depends on the device alone, so a fleet's refreshes spread over the interval while
    /// each device sees the same value for the whole interval. Without arguments, the session's time.
    /// </summary>
    public double DateNow(double? interval, double? variance)
    {
        if (interval is not { } i || !double.IsFinite(i) || i <= 0)
        {
            return NowMs;
        }

        var v = variance is { } given && double.IsFinite(given) && given >= 0 ? given : i;
        var now = NowMs;
        var offset = v >= 1 ? (double)(DeviceHash % (ulong)Math.Min(v, 1e15)) : 0;
        var shifted = now - offset;
        var remainder = shifted - (Math.Floor(shifted / i) * i);
        return now - remainder;
    }
}
