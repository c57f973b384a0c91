namespace Palisade.Acs.Sessions;

/// <summary>
/// Counts sessions in flight and decides when to shed a new one. A shed CPE gets 503 with a
/// jittered Retry-After (TR-069 3.7.1.5 lets the ACS refuse a session this way) instead of a
/// timeout, so a storm after a power cut spreads out rather than retrying in lock-step. Sessions on the bootstrap
/// credential (not enrolled yet) count in a separate, smaller pool: anyone holding that public credential can open
/// them, and they must never take a slot an enrolled device needs.
/// </summary>
public sealed class LoadShedder
{
    private readonly int _limit;
    private readonly int _unenrolledLimit;
    private readonly TimeSpan _retryAfter;
    private readonly int _jitterSeconds;
    private int _inFlight;
    private int _unenrolledInFlight;

    /// <summary>Creates a shedder for the bounds in <paramref name="options"/>.</summary>
    public LoadShedder(SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limit = options.MaxSessionsInFlight;
        _unenrolledLimit = options.UnenrolledSessionLimit;
        _retryAfter = options.RetryAfter;
        _jitterSeconds = (int)options.RetryAfterJitter.TotalSeconds;
    }

    /// <summary>Sessions of enrolled devices currently admitted and not yet released.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Sessions on the bootstrap credential currently admitted and not yet released.</summary>
    public int UnenrolledInFlight => Volatile.Read(ref _unenrolledInFlight);

    /// <summary>True when no session of either kind could be admitted now: lets the engine refuse before spending work on authentication.</summary>
    public bool IsFull => Volatile.Read(ref _inFlight) >= _limit && Volatile.Read(ref _unenrolledInFlight) >= _unenrolledLimit;

    /// <summary>Admits one more session of an enrolled device if under the limit; the caller must <see cref="Release()"/> it exactly once.</summary>
    public bool TryAdmit() => TryAdmit(unenrolled: false);

    /// <summary>Admits one more session if its pool is under its limit; the caller must <see cref="Release(bool)"/> it exactly once, with the same pool.</summary>
    /// <param name="unenrolled">True for a session on the bootstrap credential.</param>
    public bool TryAdmit(bool unenrolled)
    {
        ref var inFlight = ref unenrolled ? ref _unenrolledInFlight : ref _inFlight;
        var limit = unenrolled ? _unenrolledLimit : _limit;
        while (true)
        {
            var current = Volatile.Read(ref inFlight);
            if (current >= limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref inFlight, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a slot taken by <see cref="TryAdmit()"/>.</summary>
    public void Release() => Release(unenrolled: false);

    /// <summary>Gives back a slot taken by <see cref="TryAdmit(bool)"/> from the same pool.</summary>
    public void Release(bool unenrolled)
    {
        if (Interlocked.Decrement(ref unenrolled ? ref _unenrolledInFlight : ref _inFlight) < 0)
        {
            throw new InvalidOperationException("LoadShedder released more sessions than it admitted.");
        }
    }

    /// <summary>A Retry-After to give a refused session: the base plus whole seconds of jitter.</summary>
    public TimeSpan NextRetryAfter() =>
        _retryAfter + TimeSpan.FromSeconds(_jitterSeconds == 0 ? 0 : Random.Shared.Next(0, _jitterSeconds + 1));
}
