namespace Palisade.Acs.Sessions;

/// <summary>A thread-safe monotonic counter.</summary>
public sealed class Counter
{
    private long _value;

    /// <summary>The current value.</summary>
    public long Value => Interlocked.Read(ref _value);

    /// <summary>Adds one.</summary>
    public void Increment() => Interlocked.Increment(ref _value);
}

/// <summary>What the session engine has done since start, for monitoring and benchmarks.</summary>
public sealed class SessionCounters
{
    public Counter SessionsStarted { get; } = new();

    public Counter SessionsCompleted { get; } = new();

    public Counter SessionsFailed { get; } = new();

    public Counter Shed { get; } = new();

    public Counter ConcurrentRefused { get; } = new();

    public Counter AuthFailures { get; } = new();

    public Counter TasksDone { get; } = new();

    public Counter TasksFaulted { get; } = new();
}
