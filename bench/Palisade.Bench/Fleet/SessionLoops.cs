using System.Diagnostics;
using HdrHistogram;
using Palisade.Cpe.Agent;

namespace Palisade.Bench.Fleet;

/// <summary>How the benchmark drives a fleet: closed loop (a fixed number of sessions in flight), open loop (a fixed rate), one pass over every device.</summary>
internal static class SessionLoops
{
    public static async Task<(long Sessions, LongHistogram Latency)> ClosedLoopAsync(IReadOnlyList<CpeAgent> agents, int concurrency, TimeSpan? duration, bool onePass, SortedDictionary<string, long> errors, CancellationToken cancellationToken,
        Func<CpeAgent, Task>? before = null, string passLabel = "registered", Func<CpeAgent, CancellationToken, Task<SessionOutcome>>? session = null)
    {
        // A pass must serve everyone: a shed device comes back after its Retry-After, as a CPE does.
        session ??= onePass ? ServedAsync : static (agent, ct) => agent.RunSessionAsync(ct);
        var latency = new LongHistogram(TimeStamp.Minutes(10), 3);
        long sessions = 0;
        var next = -1;
        var deadline = duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        using var progress = onePass ? ProgressLine.Start(passLabel, () => Interlocked.Read(ref sessions), agents.Count, cancellationToken) : null;
        var workers = Enumerable.Range(0, Math.Min(concurrency, agents.Count)).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (onePass && i >= agents.Count)
                {
                    return;
                }

                var agent = agents[i % agents.Count];
                if (before is not null)
                {
                    await before(agent).ConfigureAwait(false);
                }

                var start = Stopwatch.GetTimestamp();
                var outcome = await session(agent, cancellationToken).ConfigureAwait(false);
                Record(outcome, start, latency, errors, ref sessions);
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return (sessions, latency);
    }

    // One session, run again after each 503's Retry-After until the server takes it.
    public static async Task<SessionOutcome> ServedAsync(CpeAgent agent, CancellationToken cancellationToken)
    {
        var outcome = await agent.RunSessionAsync(cancellationToken).ConfigureAwait(false);
        while (outcome.ErrorKind == "busy" && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(outcome.RetryAfter ?? TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            outcome = await agent.RunSessionAsync(cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    public static async Task<(long Sessions, LongHistogram Latency)> OpenLoopAsync(IReadOnlyList<CpeAgent> agents, double rate, TimeSpan duration, SortedDictionary<string, long> errors, Func<CpeAgent, Task>? before, CancellationToken cancellationToken)
    {
        var latency = new LongHistogram(TimeStamp.Minutes(10), 3);
        long sessions = 0;
        var busy = new int[agents.Count];
        var running = new List<Task>();
        var clock = Stopwatch.StartNew();
        long issued = 0;
        while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * rate);
            while (issued < due)
            {
                var index = (int)(issued++ % agents.Count);
                if (Interlocked.CompareExchange(ref busy[index], 1, 0) != 0)
                {
                    continue;
                }

                running.Add(Task.Run(async () =>
                {
                    if (before is not null)
                    {
                        await before(agents[index]).ConfigureAwait(false);
                    }

                    var start = Stopwatch.GetTimestamp();
                    var outcome = await agents[index].RunSessionAsync(cancellationToken).ConfigureAwait(false);
                    Record(outcome, start, latency, errors, ref sessions);
                    Volatile.Write(ref busy[index], 0);
                }, cancellationToken));
            }

            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        return (sessions, latency);
    }

    private static void Record(SessionOutcome outcome, long start, LongHistogram latency, SortedDictionary<string, long> errors, ref long sessions)
    {
        var micros = (long)(Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1000);
        if (outcome.Success)
        {
            Interlocked.Increment(ref sessions);
            lock (latency)
            {
                latency.RecordValue(Math.Max(1, micros));
            }
        }
        else
        {
            lock (errors)
            {
                errors[outcome.ErrorKind ?? "unknown"] = errors.GetValueOrDefault(outcome.ErrorKind ?? "unknown") + 1;
            }
        }
    }

    public static LatencyReport Report(LongHistogram h) => h.TotalCount == 0 ? new(0, 0, 0) : new(
        Math.Round(h.GetValueAtPercentile(50) / 1000.0, 2), Math.Round(h.GetValueAtPercentile(95) / 1000.0, 2), Math.Round(h.GetValueAtPercentile(99) / 1000.0, 2));
}
