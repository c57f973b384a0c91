namespace Palisade.Cpe.ConnectionRequests;

/// <summary>A token bucket: <c>burst</c> requests at once, refilled at <c>perSecond</c>.</summary>
internal sealed class TokenBucket
{
    private readonly double _burst;
    private readonly double _perSecond;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private double _tokens;
    private long _last;

    public TokenBucket(double burst, double perSecond, TimeProvider time)
    {
        _burst = burst;
        _perSecond = perSecond;
        _time = time;
        _tokens = burst;
        _last = time.GetTimestamp();
    }

    public bool TryTake()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (_time.GetElapsedTime(_last, now).TotalSeconds * _perSecond));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens -= 1;
            return true;
        }
    }
}
