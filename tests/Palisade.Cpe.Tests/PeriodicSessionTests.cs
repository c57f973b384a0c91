using Microsoft.Extensions.Time.Testing;
using Palisade.Cpe.Agent;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>
/// The agent's own loop (<see cref="CpeAgent.RunAsync"/>) on a fake clock: one session per reason, never one made up
/// because the agent woke up. Timers here fire a millisecond early, as the operating system's may.
/// </summary>
public sealed class PeriodicSessionTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);
    private readonly EarlyTimers _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _stop = new();
    private PlainAcs _acs = null!;

    public async Task InitializeAsync() => _acs = await PlainAcs.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
        await _acs.DisposeAsync();
    }

    [Fact]
    public async Task A_timer_that_fires_just_before_the_periodic_time_brings_one_periodic_session_not_two()
    {
        await using var agent = _acs.NewAgent("PER001", _time, o => o.PeriodicInterval = Interval);
        var run = agent.RunAsync(_stop.Token);
        await SleepingAsync(timers: 1, "the boot session");

        // The timer fires 1 ms before the periodic time: nothing is due yet, so the agent sleeps the last millisecond.
        _time.Advance(Interval - EarlyTimers.Early);
        await SleepingAsync(timers: 2, "the early wake");
        _time.Advance(EarlyTimers.Early);
        await SleepingAsync(timers: 3, "the periodic session");

        Assert.Equal([["0 BOOTSTRAP", "1 BOOT"], ["2 PERIODIC"]], Events());

        // And so on, period after period.
        for (var period = 0; period < 3; period++)
        {
            _time.Advance(Interval - EarlyTimers.Early);
            await SleepingAsync(timers: 4 + (2 * period), "an early wake");
            _time.Advance(EarlyTimers.Early);
            await SleepingAsync(timers: 5 + (2 * period), "a periodic session");
        }

        Assert.Equal(5, _acs.Informs.Count);
        Assert.All(_acs.Informs.Skip(1), i => Assert.Equal(["2 PERIODIC"], i.Events.Select(e => e.EventCode)));
        await _stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task Two_connection_requests_at_once_bring_one_session_and_no_periodic_one()
    {
        await using var agent = _acs.NewAgent("PER002", _time, o => o.PeriodicInterval = Interval);
        var run = agent.RunAsync(_stop.Token);
        await SleepingAsync(timers: 1, "the boot session");

        // Both knocks arrive before the agent can build its Inform, whichever thread runs first.
        await agent.SessionGate.WaitAsync();
        agent.ConnectionRequested();
        agent.ConnectionRequested();
        agent.SessionGate.Release();

        // The session serves both knocks; the second wake finds nothing to do, and the agent sleeps until the period.
        await SleepingAsync(timers: 3, "the connection-request session");
        Assert.Equal([["0 BOOTSTRAP", "1 BOOT"], ["6 CONNECTION REQUEST"]], Events());
        Assert.Equal(Interval, agent.UntilPeriodic());
        await _stop.CancelAsync();
        await run;
    }

    private string[][] Events() => [.. _acs.Informs.Select(i => i.Events.Select(e => e.EventCode).ToArray())];

    // Waits until the agent has started its n-th sleep on the fake clock (so it is idle until the clock moves).
    private Task SleepingAsync(int timers, string what) =>
        EventuallyAsync(() => Task.FromResult(_time.TimersCreated >= timers), what + $" (timers {_time.TimersCreated} of {timers})");

    /// <summary>A fake clock whose timers fire <see cref="Early"/> before their due time (those due sooner fire on time).</summary>
    private sealed class EarlyTimers(DateTimeOffset start) : FakeTimeProvider(start)
    {
        public static readonly TimeSpan Early = TimeSpan.FromMilliseconds(1);

        private int _created;

        public int TimersCreated => Volatile.Read(ref _created);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            // Counted once the timer is registered, not before: a test that sees the count moves the clock next, and a
            // timer registered after that move would be due a whole wait after it, so never fire.
            var timer = new EarlyTimer(base.CreateTimer(callback, state, EarlyBy(dueTime), period));
            Interlocked.Increment(ref _created);
            return timer;
        }

        private static TimeSpan EarlyBy(TimeSpan due) => due > Early && due != Timeout.InfiniteTimeSpan ? due - Early : due;

        private sealed class EarlyTimer(ITimer inner) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(EarlyBy(dueTime), period);

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
