using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Palisade.Acs.Sessions;

/// <summary>
/// The one-time addresses a moveToHttps task has a device upload to before its ACS URL changes. A token names the
/// task and carries an HMAC under a key that lives only in this process, so nobody can mint one; an arrival is
/// remembered (bounded, for an hour) until the device's TransferComplete asks whether it happened. A restart forgets
/// arrivals, and the task then faults asking for a retry: the URL is never changed on an unproven claim.
/// Nodes sharing a store (<see cref="ISharedNodeState"/>) share the key (derived from the store key) and the arrivals
/// (in the store), so the probe, the upload and the TransferComplete may each reach another node.
/// </summary>
public sealed class ReachabilityProbes
{
    /// <summary>The most arrivals remembered at once; older ones go first.</summary>
    public const int MaxRemembered = 100_000;

    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);
    private readonly byte[] _key;
    private readonly ConcurrentDictionary<long, DateTimeOffset> _arrived = new();
    private readonly TimeProvider _time;
    private readonly ISharedNodeState? _shared;

    /// <summary>Creates an empty set under a fresh key.</summary>
    public ReachabilityProbes(TimeProvider time)
        : this(time, null)
    {
    }

    /// <summary>Creates the set over the state the nodes of a store share, or in this process alone when <paramref name="shared"/> is null.</summary>
    public ReachabilityProbes(TimeProvider time, ISharedNodeState? shared)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _shared = shared;
        _key = shared?.DeriveKey("moveToHttps reachability probes") ?? RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>The token for task <paramref name="taskId"/>: <c>ID-MAC</c>.</summary>
    public string TokenFor(long taskId) => taskId.ToString(CultureInfo.InvariantCulture) + "-" + Mac(taskId);

    /// <summary>The task a token of ours names; false for anything this process did not mint.</summary>
    public bool TryVerify(string token, out long taskId)
    {
        ArgumentNullException.ThrowIfNull(token);
        taskId = 0;
        var dash = token.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || token.Length > 64 || !long.TryParse(token.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        var ours = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token[(dash + 1)..]), Encoding.ASCII.GetBytes(Mac(id)));
        taskId = ours ? id : 0;
        return ours;
    }

    /// <summary>Records that the probe of <paramref name="taskId"/> arrived (call after <see cref="TryVerify"/>).</summary>
    public void RecordArrival(long taskId)
    {
        var now = _time.GetUtcNow();
        if (_arrived.Count >= MaxRemembered)
        {
            Prune(now);
        }

        _arrived[taskId] = now;
    }

    /// <summary>Records that the probe of <paramref name="taskId"/> arrived, where every node sharing the store sees it.</summary>
    public Task RecordArrivalAsync(long taskId, CancellationToken cancellationToken)
    {
        if (_shared is null)
        {
            RecordArrival(taskId);
            return Task.CompletedTask;
        }

        return _shared.RecordProbeArrivalAsync(taskId, _time.GetUtcNow(), cancellationToken);
    }

    /// <summary>True (once) when the probe of <paramref name="taskId"/> arrived within the last hour, at any node sharing the store.</summary>
    public async Task<bool> TakeArrivalAsync(long taskId, CancellationToken cancellationToken)
    {
        if (_shared is null)
        {
            return TakeArrival(taskId);
        }

        return await _shared.TakeProbeArrivalAsync(taskId, cancellationToken).ConfigureAwait(false) is { } at && _time.GetUtcNow() - at <= Lifetime;
    }

    /// <summary>True (once) when the probe of <paramref name="taskId"/> arrived within the last hour.</summary>
    public bool TakeArrival(long taskId) =>
        _arrived.TryRemove(taskId, out var at) && _time.GetUtcNow() - at <= Lifetime;

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, at) in _arrived)
        {
            if (now - at > Lifetime)
            {
                _arrived.TryRemove(id, out _);
            }
        }

        // Still full of fresh arrivals: drop the oldest tenth rather than grow without bound.
        if (_arrived.Count >= MaxRemembered)
        {
            foreach (var (id, _) in _arrived.OrderBy(p => p.Value).Take(MaxRemembered / 10))
            {
                _arrived.TryRemove(id, out _);
            }
        }
    }

    private string Mac(long taskId)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes("palisade-reachability:" + taskId.ToString(CultureInfo.InvariantCulture)), mac);
        return Convert.ToHexStringLower(mac[..16]);
    }
}
