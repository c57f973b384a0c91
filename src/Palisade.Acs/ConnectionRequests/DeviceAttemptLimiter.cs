using System.Collections.Concurrent;

namespace Palisade.Acs.ConnectionRequests;

/// <summary>
/// A token bucket per device, so that no caller can make the ACS hammer one address with connection requests.
/// Buckets that have filled up again are forgotten, so the table stays as small as the set of busy devices.
/// </summary>
internal sealed class DeviceAttemptLimiter(int burst, TimeSpan interval, TimeProvider time)
{
    private const int PruneAbove = 10_000;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public bool TryTake(string device)
    {
        var now = time.GetTimestamp();
        if (_buckets.Count > PruneAbove)
        {
            foreach (var (key, old) in _buckets)
            {
                lock (old)
                {
                    if (old.Refill(now, burst, interval, time) >= burst)
                    {
                        _buckets.TryRemove(key, out _);
                    }
                }
            }
        }

        var bucket = _buckets.GetOrAdd(device, _ => new Bucket(burst, now));
        lock (bucket)
        {
            if (bucket.Refill(now, burst, interval, time) < 1)
            {
                return false;
            }

            bucket.Tokens--;
            return true;
        }
    }

    private sealed class Bucket(double tokens, long at)
    {
        public double Tokens { get; set; } = tokens;

        public double Refill(long now, int burst, TimeSpan interval, TimeProvider time)
        {
            var elapsed = time.GetElapsedTime(at, now);
            at = now;
            Tokens = interval <= TimeSpan.Zero ? burst : Math.Min(burst, Tokens + (elapsed / interval));
            return Tokens;
        }
    }
}
