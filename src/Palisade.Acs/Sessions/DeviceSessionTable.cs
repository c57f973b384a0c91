using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Palisade.Acs.Sessions;

/// <summary>
/// The open CWMP sessions of this node, by session token and by device. A device is in at most
/// one session at a time (a second Inform while one is open is refused, TR-069 3.7.1.4 expects
/// the ACS to serialise), and a session idle longer than its timeout is taken away so a CPE
/// that vanished mid-session does not hold its device forever.
/// </summary>
/// <remarks>
/// An expired session leaves the table only through <see cref="SweepExpired"/> (or <see cref="Close"/>): until then its
/// token resumes nothing and its device stays busy. That way every session reaches the caller, which commits what it
/// learned and releases what it held, before another session of the same device can start.
/// </remarks>
/// <typeparam name="TSession">The engine's per-session state.</typeparam>
public sealed class DeviceSessionTable<TSession>
    where TSession : class
{
    private readonly ConcurrentDictionary<string, Entry> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry> _byDevice = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;

    /// <summary>Creates a table whose sessions expire after <paramref name="timeout"/> of inactivity.</summary>
    public DeviceSessionTable(TimeProvider time, TimeSpan timeout)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _timeout = timeout;
    }

    /// <summary>Sessions currently open.</summary>
    public int Count => _byToken.Count;

    /// <summary>
    /// Opens a session for <paramref name="deviceKey"/> unless one is already open, or expired and not yet swept.
    /// Returns the new session's token, or null when the device is busy.
    /// </summary>
    /// <param name="deviceKey">The device.</param>
    /// <param name="session">The engine's state for the session.</param>
    /// <param name="timeout">This session's idle timeout, when shorter than the table's (sessions not enrolled yet).</param>
    public string? TryOpen(string deviceKey, TSession session, TimeSpan? timeout = null)
    {
        var entry = new Entry(NewToken(), deviceKey, session, _time.GetTimestamp(), timeout is { } t && t < _timeout ? t : _timeout);
        if (!_byDevice.TryAdd(deviceKey, entry))
        {
            // An expired session is not taken over here: dropped silently, it would never be committed or released.
            return null;
        }

        _byToken[entry.Token] = entry;
        return entry.Token;
    }

    /// <summary>
    /// Finds the live session for <paramref name="token"/> and marks it active now; null if unknown or expired
    /// (an expired one stays for <see cref="SweepExpired"/>).
    /// </summary>
    public TSession? TryResume(string token)
    {
        if (!_byToken.TryGetValue(token, out var entry) || IsExpired(entry))
        {
            return null;
        }

        entry.Touch(_time.GetTimestamp());
        return entry.Session;
    }

    /// <summary>Closes the session for <paramref name="token"/> and frees its device. Returns the session, or null if it was not open.</summary>
    public TSession? Close(string token)
    {
        if (!_byToken.TryRemove(token, out var entry))
        {
            return null;
        }

        ((ICollection<KeyValuePair<string, Entry>>)_byDevice).Remove(new(entry.DeviceKey, entry));
        return entry.Session;
    }

    /// <summary>Removes every expired session and returns them so the caller can release what they held.</summary>
    public IReadOnlyList<TSession> SweepExpired()
    {
        List<TSession>? expired = null;
        foreach (var entry in _byToken.Values)
        {
            if (IsExpired(entry) && Close(entry.Token) is { } session)
            {
                (expired ??= []).Add(session);
            }
        }

        return expired ?? (IReadOnlyList<TSession>)[];
    }

    /// <summary>Removes every session, expired or not, and returns them (a node that stops ends them all).</summary>
    public IReadOnlyList<TSession> CloseAll()
    {
        List<TSession> all = [];
        foreach (var entry in _byToken.Values)
        {
            if (Close(entry.Token) is { } session)
            {
                all.Add(session);
            }
        }

        return all;
    }

    private bool IsExpired(Entry entry) => _time.GetElapsedTime(entry.LastSeen) > entry.Timeout;

    // 128 random bits: a session token must not be guessable by another device.
    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private sealed class Entry(string token, string deviceKey, TSession session, long lastSeen, TimeSpan timeout)
    {
        private long _lastSeen = lastSeen;

        public string Token { get; } = token;

        public string DeviceKey { get; } = deviceKey;

        public TSession Session { get; } = session;

        public TimeSpan Timeout { get; } = timeout;

        public long LastSeen => Volatile.Read(ref _lastSeen);

        public void Touch(long now) => Volatile.Write(ref _lastSeen, now);
    }
}
