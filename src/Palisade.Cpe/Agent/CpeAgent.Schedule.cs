using Palisade.Cwmp.Events;
using Palisade.Cwmp.Values;

namespace Palisade.Cpe.Agent;

public sealed partial class CpeAgent
{
    // Timers take at most ~49 days and PeriodicInformInterval may be longer: a longer wait is slept in pieces.
    private static readonly TimeSpan LongestSleep = TimeSpan.FromDays(1);

    /// <summary>
    /// Runs sessions whenever one is due, until cancelled. A session is held only for a reason: an event pending (boot,
    /// a connection request, a notification, a finished transfer, the periodic time reached) or a failed session to
    /// retry. Waking for any other reason (a timer that fires a little early, a second knock already served) is
    /// not one: the agent goes back to sleep.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ScheduleNextPeriodic(first: true);
        if (_options.InitialDelay > TimeSpan.Zero)
        {
            await Task.Delay(_options.InitialDelay, _time, cancellationToken).ConfigureAwait(false);
        }

        while (!cancellationToken.IsCancellationRequested && !Bricked)
        {
            if (_time.GetTimestamp() >= Volatile.Read(ref _nextPeriodic))
            {
                AddEvent(EventCodes.Periodic);
                ScheduleNextPeriodic(first: false);
            }

            TimeSpan wait;
            if (HasPendingEvents)
            {
                var outcome = await RunSessionAsync(cancellationToken).ConfigureAwait(false);
                if (outcome.Success)
                {
                    continue;
                }

                // The failed session's events stay pending (a connection request's do not) and are retried after the wait.
                wait = WaitAfter(outcome);
            }
            else
            {
                wait = UntilPeriodic();
            }

            if (!await SleepAsync(wait, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>
    /// How long to wait after a failed session: the session retry back-off (TR-069 §3.2.1.1), and never less than the
    /// ACS's Retry-After when it shed the session with 503. A device shed again and again so backs off further each
    /// time, as after any failed session, and a storm of them spreads out instead of coming back on the ACS's figure.
    /// </summary>
    public TimeSpan WaitAfter(SessionOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var backoff = RetryWait(_retryCount);
        return outcome.RetryAfter is { } asked && asked > backoff ? asked : backoff;
    }

    /// <summary>The back-off before retry number <paramref name="retry"/> (TR-069 §3.2.1.1): random in [m·k^(n−1), m·k^n).</summary>
    public TimeSpan RetryWait(int retry)
    {
        var n = Math.Clamp(retry, 1, 10);
        var m = (double)_options.RetryMinimumWaitSeconds;
        var k = _options.RetryIntervalMultiplier / 1000.0;
        var low = m * Math.Pow(k, n - 1);
        var high = m * Math.Pow(k, n);
        return TimeSpan.FromSeconds(low + (Random.Shared.NextDouble() * (high - low)));
    }

    // Sleeps until the wait is over or something (a connection request, a notification) wakes the agent; false once
    // cancelled. The wait runs on the agent's clock, so that tests drive it.
    private async Task<bool> SleepAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (wait <= TimeSpan.Zero)
        {
            return !cancellationToken.IsCancellationRequested;
        }

        using var timeout = new CancellationTokenSource(wait < LongestSleep ? wait : LongestSleep, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _wake.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The wait is over.
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    private TimeSpan PeriodicInterval =>
        TimeSpan.FromSeconds(long.TryParse(Model.Get(Model.Root + "ManagementServer.PeriodicInformInterval"), out var s) && s > 0 ? s : 3600);

    internal void ScheduleNextPeriodic(bool first)
    {
        var interval = PeriodicInterval;
        var offset = first ? interval + _options.InitialDelay : interval;

        if (Model.GetTyped(Model.Root + "ManagementServer.PeriodicInformTime") is { Type: XsdType.DateTime } reference
            && CwmpDateTime.TryParse(reference.Text, out var anchor) && !CwmpDateTime.IsUnknown(anchor))
        {
            offset = UntilAnchored(anchor, interval, _time.GetUtcNow());
        }

        Volatile.Write(ref _nextPeriodic, _time.GetTimestamp() + (long)(offset.TotalSeconds * _time.TimestampFrequency));
    }

    /// <summary>
    /// PeriodicInformTime anchors the schedule (TR-098/TR-181 ManagementServer): informs fall on
    /// <paramref name="anchor"/> + k·<paramref name="interval"/> for whole k, in the past or the future; the next one
    /// is the first strictly after <paramref name="now"/>.
    /// </summary>
    internal static TimeSpan UntilAnchored(DateTimeOffset anchor, TimeSpan interval, DateTimeOffset now)
    {
        var periods = Math.Floor((now - anchor).TotalSeconds / interval.TotalSeconds) + 1;
        return anchor + TimeSpan.FromSeconds(periods * interval.TotalSeconds) - now;
    }

    internal TimeSpan UntilPeriodic()
    {
        var remaining = Volatile.Read(ref _nextPeriodic) - _time.GetTimestamp();
        return remaining <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency);
    }
}
