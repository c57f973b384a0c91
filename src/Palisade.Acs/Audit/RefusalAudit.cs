using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Palisade.Acs.Audit;

/// <summary>
/// Writes refused requests (401, 403) and failed logins to the audit log without letting a flood grow it: at most one
/// entry per source and kind per minute, and at most <see cref="MaxEntriesPerWindow"/> such entries a minute in all.
/// What is held back is counted and reported (<c>suppressed</c>) in the next entry written for that source and kind.
/// </summary>
public sealed class RefusalAudit(AuditService audit, TimeProvider time)
{
    /// <summary>The most refusal entries written per minute, all sources together.</summary>
    public const int MaxEntriesPerWindow = 60;

    private const int MaxTracked = 10_000;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private readonly Lock _global = new();
    private DateTimeOffset _windowStart;
    private int _written;
    private long _heldBackElsewhere;

    /// <summary>Records one refusal, or counts it when its source and kind were recorded less than a minute ago.</summary>
    /// <param name="actor">Who, as far as known (<c>anonymous</c>, <c>key:NAME</c>, <c>user:NAME</c>).</param>
    /// <param name="source">The address.</param>
    /// <param name="action">The kind, e.g. <c>api.unauthorized</c>, <c>api.forbidden</c>, <c>user.login-failed</c>.</param>
    /// <param name="target">What was asked for (clipped).</param>
    public async Task RecordAsync(string actor, string source, string action, string target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(action);
        var now = time.GetUtcNow();
        var key = action + "|" + source;
        long suppressed;
        lock (_global)
        {
            if (now - _windowStart >= Window)
            {
                _windowStart = now;
                _written = 0;
            }

            if (!_slots.TryGetValue(key, out var slot) && _slots.Count >= MaxTracked)
            {
                Sweep(now);
            }

            slot = _slots.GetOrAdd(key, _ => new Slot());
            if ((slot.Last is { } last && now - last < Window) || _written >= MaxEntriesPerWindow || _slots.Count > MaxTracked)
            {
                slot.HeldBack++;
                _heldBackElsewhere++;
                return;
            }

            suppressed = slot.HeldBack;
            _heldBackElsewhere -= slot.HeldBack;
            slot.HeldBack = 0;
            slot.Last = now;
            _written++;
        }

        var detail = new JsonObject { ["suppressed"] = suppressed };
        await audit.RecordAsync(Clip(actor ?? "anonymous"), source, action, Clip(target ?? "-"), detail).ConfigureAwait(false);
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, slot) in _slots)
        {
            if (slot.HeldBack == 0 && slot.Last is { } last && now - last >= Window)
            {
                _slots.TryRemove(key, out _);
            }
        }
    }

    private static string Clip(string text) => Palisade.Cwmp.ClientText.Shorten(text, 200);

    private sealed class Slot
    {
        public DateTimeOffset? Last { get; set; }

        public long HeldBack { get; set; }
    }
}
