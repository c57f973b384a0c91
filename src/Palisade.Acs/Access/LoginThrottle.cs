using System.Collections.Concurrent;

namespace Palisade.Acs.Access;

/// <summary>
/// Slows password guessing without handing strangers a lock: failed logins are counted per source address and per
/// account name (known or not, so the answer never tells which names exist). After <see cref="SignInOptions.FreeFailures"/>
/// failures each further attempt waits a delay that doubles with every failure, up to a cap: long for a source
/// (<see cref="SignInOptions.MaxSourceDelay"/>), short for an account (<see cref="SignInOptions.MaxAccountDelay"/>),
/// so that a stranger can make the owner wait seconds, never lock them out. A success clears both; a count is
/// forgotten an hour after its last failure. Both tables are bounded.
/// </summary>
internal sealed class LoginThrottle(SignInOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Failures> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Failures> _accounts = new(StringComparer.Ordinal);

    /// <summary>How long this attempt must wait, or null when it may go ahead.</summary>
    public TimeSpan? Wait(string source, string account)
    {
        var now = time.GetUtcNow();
        var wait = Remaining(_sources, source, options.MaxSourceDelay, now);
        var accountWait = Remaining(_accounts, account, options.MaxAccountDelay, now);
        var longest = wait > accountWait ? wait : accountWait;
        return longest > TimeSpan.Zero ? longest : null;
    }

    public void Failed(string source, string account)
    {
        var now = time.GetUtcNow();
        Count(_sources, source, now);
        Count(_accounts, account, now);
    }

    public void Succeeded(string source, string account)
    {
        _sources.TryRemove(source, out _);
        _accounts.TryRemove(account, out _);
    }

    private TimeSpan Remaining(ConcurrentDictionary<string, Failures> table, string key, TimeSpan cap, DateTimeOffset now)
    {
        if (!table.TryGetValue(key, out var f) || f.Count < options.FreeFailures)
        {
            return TimeSpan.Zero;
        }

        var doublings = Math.Min(f.Count - options.FreeFailures, 30);
        var delay = TimeSpan.FromTicks(Math.Min(options.FirstDelay.Ticks * (1L << doublings), cap.Ticks));
        return f.Last + delay - now;
    }

    private void Count(ConcurrentDictionary<string, Failures> table, string key, DateTimeOffset now)
    {
        if (!table.ContainsKey(key) && table.Count >= options.MaxTrackedNames)
        {
            Sweep(table, now);
        }

        table.AddOrUpdate(key, _ => new Failures(1, now), (_, f) => now - f.Last > Forget ? new Failures(1, now) : new Failures(f.Count + 1, now));
    }

    // Forgotten counts first; if the table is still full, the entry idle longest goes.
    private static void Sweep(ConcurrentDictionary<string, Failures> table, DateTimeOffset now)
    {
        foreach (var (key, f) in table)
        {
            if (now - f.Last > Forget)
            {
                table.TryRemove(key, out _);
            }
        }

        if (table.Count > 0 && table.MinBy(e => e.Value.Last) is { Key: { } oldest })
        {
            table.TryRemove(oldest, out _);
        }
    }

    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);

    private sealed record Failures(int Count, DateTimeOffset Last);
}
