namespace Palisade.Acs.Stun;

/// <summary>
/// Counts events in fixed windows of time and says when one log line may summarise them: at most one line per window,
/// once <c>threshold</c> events came in it. A hostile sender can make many events, never many lines.
/// </summary>
internal sealed class LogWindow(TimeSpan length, int threshold, TimeProvider time)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _start = DateTimeOffset.MinValue;
    private int _count;
    private bool _said;

    /// <summary>Counts one event; returns how many came in this window when a line is due now, else 0.</summary>
    public int Note()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (now - _start >= length || now < _start)
            {
                _start = now;
                _count = 0;
                _said = false;
            }

            _count++;
            if (_said || _count < threshold)
            {
                return 0;
            }

            _said = true;
            return _count;
        }
    }
}
