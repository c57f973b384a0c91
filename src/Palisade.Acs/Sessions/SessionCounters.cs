namespace Palisade.Acs.Sessions;

/// <summary>A thread-safe monotonic counter; <paramref name="onIncrement"/> (if any) is told of each increment (a meter).</summary>
public sealed class Counter(Action? onIncrement = null)
{
    private long _value;

    /// <summary>The current value.</summary>
    public long Value => Interlocked.Read(ref _value);

    /// <summary>Adds one.</summary>
    public void Increment()
    {
        Interlocked.Increment(ref _value);
        onIncrement?.Invoke();
    }
}

/// <summary>What the session engine has done since start, for monitoring and benchmarks.</summary>
public sealed class SessionCounters
{
    private readonly Counter[] _outcomes = Enumerable.Range(0, SessionOutcomes.Count).Select(_ => new Counter()).ToArray();

    public Counter SessionsStarted { get; } = new();

    /// <summary>Sessions that ended <see cref="SessionOutcome.Ok"/>.</summary>
    public Counter SessionsCompleted { get; } = new();

    /// <summary>Sessions that ended any other way.</summary>
    public Counter SessionsFailed { get; } = new();

    public Counter Shed { get; } = new();

    public Counter ConcurrentRefused { get; } = new();

    /// <summary>Sessions refused because the device is in a session on another node (or the store could not say).</summary>
    public Counter LeaseConflicts { get; } = new();

    /// <summary>Sessions ended because another node's session took their device after their lease ran out.</summary>
    public Counter LeaseLost { get; } = new();

    public Counter AuthFailures { get; } = new();

    public Counter TasksDone { get; } = new(static () => SessionMetrics.Tasks("done"));

    public Counter TasksFaulted { get; } = new(static () => SessionMetrics.Tasks("faulted"));

    /// <summary>Sessions that ended with <paramref name="outcome"/>.</summary>
    public Counter Ended(SessionOutcome outcome) => _outcomes[(int)outcome];

    internal void Record(SessionOutcome outcome, TimeSpan duration)
    {
        SessionMetrics.Ended(outcome, duration);
        _outcomes[(int)outcome].Increment();
        (outcome == SessionOutcome.Ok ? SessionsCompleted : SessionsFailed).Increment();
    }
}
