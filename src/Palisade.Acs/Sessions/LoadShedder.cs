namespace Palisade.Acs.Sessions;

/// <summary>
/// Counts sessions in flight and decides when to shed a new one. A shed CPE gets 503 with a
/// jittered Retry-After (TR-069 3.7.1.5 lets the ACS refuse a session this way) instead of a
/// timeout, so a storm after a power cut spreads out rather than retrying in lock-step.
/// </summary>
public sealed class LoadShedder
{
    private readonly int _limit;
    private readonly TimeSpan _retryAfter;
    private readonly int _jitterSeconds;
    private int _inFlight;

    /// <summary>Creates a shedder for the bounds in <paramref name="options"/>.</summary>
    public LoadShedder(SessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limit = options.MaxSessionsInFlight;
        _retryAfter = options.RetryAfter;
        _jitterSeconds = (int)options.RetryAfterJitter.TotalSeconds;
    }

    /// <summary>Sessions currently admitted and not yet released.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>True when no session could be admitted now: lets the engine refuse before spending work on authentication.</summary>
    public bool IsFull => Volatile.Read(ref _inFlight) >= _limit;

    /// <summary>Admits one more session if under the limit; the caller must <see cref="Release"/> it exactly once.</summary>
    public bool TryAdmit()
    {
        while (true)
        {
            var current = Volatile.Read(ref _inFlight);
            if (current >= _limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inFlight, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a slot taken by <see cref="TryAdmit"/>.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _inFlight) < 0)
        {
            throw new InvalidOperationException("LoadShedder released more sessions than it admitted.");
        }
    }

    /// <summary>A Retry-After to give a refused session: the base plus whole seconds of jitter.</summary>
    public TimeSpan NextRetryAfter() =>
        _retryAfter + TimeSpan.FromSeconds(_jitterSeconds == 0 ? 0 : Random.Shared.Next(0, _jitterSeconds + 1));
}
