using System.Collections.Concurrent;

namespace Palisade.Security.Digest;

/// <summary>
/// Refuses replayed Digest responses: for each nonce in use it remembers the highest nonce-count seen, and a
/// response must carry a higher one (RFC 7616 §3.3, §5.14). Entries live only as long as their nonce; the table
/// is capped so that a flood of valid nonces cannot grow it without bound (past the cap, new nonces are refused
/// as stale and the client simply asks for another).
/// </summary>
public sealed class ReplayGuard
{
    private readonly ConcurrentDictionary<string, Entry> _seen = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _capacity;

    /// <summary>Creates a guard holding at most <paramref name="capacity"/> nonces at once.</summary>
    public ReplayGuard(TimeProvider time, int capacity = 1_000_000)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));
    }

    /// <summary>Nonces currently remembered.</summary>
    public int Count => _seen.Count;

    /// <summary>
    /// Records use of <paramref name="nonce"/> with count <paramref name="nc"/>; false if that count (or a higher one)
    /// was already used, or if the table is full.
    /// </summary>
    public bool TryUse(string nonce, uint nc, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        while (true)
        {
            if (_seen.TryGetValue(nonce, out var entry))
            {
                lock (entry)
                {
                    if (nc <= entry.HighestCount)
                    {
                        return false;
                    }

                    entry.HighestCount = nc;
                    return true;
                }
            }

            if (_seen.Count >= _capacity)
            {
                Sweep();
                if (_seen.Count >= _capacity)
                {
                    return false;
                }
            }

            if (_seen.TryAdd(nonce, new Entry(expiresAt) { HighestCount = nc }))
            {
                return true;
            }
        }
    }

    /// <summary>Forgets nonces that have expired; they would be refused as stale anyway.</summary>
    public int Sweep()
    {
        var now = _time.GetUtcNow();
        var removed = 0;
        foreach (var (nonce, entry) in _seen)
        {
            if (entry.ExpiresAt < now && _seen.TryRemove(nonce, out _))
            {
                removed++;
            }
        }

        return removed;
    }

    private sealed class Entry(DateTimeOffset expiresAt)
    {
        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public uint HighestCount { get; set; }
    }
}
