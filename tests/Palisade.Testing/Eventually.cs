using System.Globalization;

namespace Palisade.Testing;

/// <summary>
/// Waits on the real clock for what another thread or process does in its own time (an agent's session over real
/// sockets, a queued commit, a simulator behind a NAT), where no signal exists to await. Time the code under test
/// reads is driven with a fake clock; this is only for waiting on real I/O, with generous bounds for a loaded machine.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; after <paramref name="within"/> fails with a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> and, when given, what <paramref name="explain"/> says.
    /// </summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan within, TimeSpan? every = null, Func<string>? explain = null)
    {
        using var deadline = new CancellationTokenSource(within);
        await HoldsAsync(condition, what, deadline.Token, every, explain).ConfigureAwait(false);
    }

    /// <summary>The same, for a condition that needs no I/O.</summary>
    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan within, TimeSpan? every = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, within, every);

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="deadline"/> is cancelled.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, CancellationToken deadline, TimeSpan? every = null, Func<string>? explain = null)
    {
        var started = DateTime.UtcNow;
        while (!await condition().ConfigureAwait(false))
        {
            if (deadline.IsCancellationRequested)
            {
                var seconds = (DateTime.UtcNow - started).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
                throw new TimeoutException($"Waited {seconds} s for {what}, in vain{(explain is null ? "" : ": " + explain())}.");
            }

            try
            {
                await Task.Delay(every ?? DefaultPoll, deadline).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // One last look at the condition, then the timeout above.
            }
        }
    }
}
