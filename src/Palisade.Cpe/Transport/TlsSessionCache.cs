namespace Palisade.Cpe.Transport;

/// <summary>
/// One device's TLS session cache, as a CPE keeps it in its own memory: whether it holds a session with its ACS that a
/// new connection may resume. It is empty after a boot, filled by a handshake the device completed itself with that
/// ACS (scheme, host and port), and its session expires after the lifetime. A fleet in one process thus resumes as a
/// fleet of real devices does: a device's first connection after boot is a full handshake whatever the others did.
/// </summary>
/// <remarks>
/// .NET keeps the session tickets themselves in a process-wide store, one per host name (and per client certificate),
/// and offers no way to hold one per connection or to store a session without offering one. So this cache decides
/// whether a device resumes at all: with nothing of its own it connects with resumption off (a full handshake whose
/// ticket is not kept); afterwards it connects with resumption on, presenting the newest ticket the process holds for
/// that host (in a fleet, usually another device's; for the ACS that costs and means the same) and keeping the one it
/// receives. A device alone in its process therefore makes two full handshakes after boot before it resumes. Devices
/// with client certificates have stores of their own.
/// </remarks>
internal sealed class TlsSessionCache(TimeProvider time, TimeSpan lifetime)
{
    private readonly object _gate = new();
    private string? _acs;
    private long _established;

    /// <summary>The device holds a live session with <paramref name="acs"/>.</summary>
    public bool CanResume(Uri acs)
    {
        ArgumentNullException.ThrowIfNull(acs);
        lock (_gate)
        {
            return _acs == Key(acs) && time.GetElapsedTime(_established) < lifetime;
        }
    }

    /// <summary>A handshake with <paramref name="acs"/> completed (full or resumed: either leaves a new session).</summary>
    public void Established(Uri acs)
    {
        ArgumentNullException.ThrowIfNull(acs);
        if (acs.Scheme != Uri.UriSchemeHttps)
        {
            return;
        }

        lock (_gate)
        {
            _acs = Key(acs);
            _established = time.GetTimestamp();
        }
    }

    /// <summary>Forgets the session (a reboot: the cache lives in memory).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _acs = null;
        }
    }

    private static string Key(Uri acs) => acs.GetLeftPart(UriPartial.Authority);
}
