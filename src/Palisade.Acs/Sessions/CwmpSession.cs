using System.Diagnostics;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Cwmp;

namespace Palisade.Acs.Sessions;

/// <summary>
/// The state of one open CWMP session: who the device is, what has been learned so far (not yet committed),
/// and the RPCs the ACS still has to send. Requests of one session are handled one at a time.
/// </summary>
internal sealed class CwmpSession
{
    private int _messageId;

    public CwmpSession(Device device, CwmpVersion version, string remoteAddress, string events, string authMethod, bool tls)
    {
        Device = device;
        Version = version;
        RemoteAddress = remoteAddress;
        Events = events;
        AuthMethod = authMethod;
        Tls = tls;
        Changes = new SessionChanges(device);
    }

    /// <summary>Serialises requests of this session.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public long StartedAt { get; } = Stopwatch.GetTimestamp();

    public string Token { get; set; } = string.Empty;

    public Device Device { get; }

    public DeviceId Id => Device.Id;

    public CwmpVersion Version { get; }

    public string RemoteAddress { get; }

    public string Events { get; }

    public string AuthMethod { get; }

    public bool Tls { get; }

    public SessionChanges Changes { get; }

    public Queue<PendingRpc> Pending { get; } = new();

    /// <summary>The RPC sent and not yet answered.</summary>
    public PendingRpc? Outstanding { get; set; }

    public int RpcsSent { get; set; }

    public int CpeRequests { get; set; }

    /// <summary>Method names exchanged, for the access log.</summary>
    public List<string> Exchanged { get; } = [];

    /// <summary>Set once the session has ended (204, timeout, error), so that it is committed exactly once.</summary>
    public bool Ended { get; set; }

    public string NextMessageId() => "acs-" + Interlocked.Increment(ref _messageId).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
