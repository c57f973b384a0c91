using Palisade.Cwmp;
using Palisade.Server.Listeners;

namespace Palisade.Server;

/// <summary>
/// Every bound of the CWMP listener (the TLS port and the legacy plaintext port): HTTP headers and timeouts, the
/// codec's bounds on a body (whose <see cref="CwmpLimits.MaxBodyBytes"/> is also the HTTP body bound, before and
/// after gzip), and the reachability-probe upload. Validated at start.
/// </summary>
public sealed class CwmpListenerLimits
{
    /// <summary>Headers, request line and timeouts. Kept-alive connections close after the session timeout unless set here.</summary>
    public ListenerLimits Http { get; } = new();

    /// <summary>What the codec accepts in one body.</summary>
    public CwmpLimits Codec { get; } = new();

    /// <summary>The largest moveToHttps probe upload (a CPE's vendor log, read and thrown away). Default 1 MiB.</summary>
    public int MaxProbeBytes { get; set; } = 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bound that is not sensible.</summary>
    public CwmpListenerLimits Validate()
    {
        Http.Validate("cwmp");
        Codec.Validate();
        ListenerLimits.Require(MaxProbeBytes is >= 1024 and <= 64 * 1024 * 1024, "cwmp", "maxProbeBytes", "between 1 KiB and 64 MiB");
        return this;
    }
}
