using Palisade.Acs.Sessions;

namespace Palisade.Server.Console;

/// <summary>
/// Sessions per second over the last hour for the overview: once a minute the engine's count of started sessions is
/// read and the minute's rate kept, 60 minutes at most. Starts empty with the process.
/// </summary>
internal sealed class SessionRate : IDisposable
{
    public const int Minutes = 60;
    private readonly SessionCounters _counters;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Queue<(DateTimeOffset At, double PerSecond)> _minutes = new();
    private long _last;

    public SessionRate(SessionCounters counters, TimeProvider time)
    {
        (_counters, _time) = (counters, time);
        _last = counters.SessionsStarted.Value;
        _timer = time.CreateTimer(_ => Sample(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>The rate of each full minute, oldest first.</summary>
    public IReadOnlyList<(DateTimeOffset At, double PerSecond)> History
    {
        get
        {
            lock (_minutes)
            {
                return [.. _minutes];
            }
        }
    }

    /// <summary>Sessions started since the last full minute (the current minute so far).</summary>
    public long CurrentMinute => _counters.SessionsStarted.Value - Interlocked.Read(ref _last);

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var now = _counters.SessionsStarted.Value;
        var started = now - Interlocked.Exchange(ref _last, now);
        lock (_minutes)
        {
            _minutes.Enqueue((_time.GetUtcNow(), started / 60.0));
            while (_minutes.Count > Minutes)
            {
                _minutes.Dequeue();
            }
        }
    }
}
