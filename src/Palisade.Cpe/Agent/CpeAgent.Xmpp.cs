using Palisade.Cwmp.Events;
using Palisade.Xmpp;

namespace Palisade.Cpe.Agent;

public sealed partial class CpeAgent
{
    /// <summary>
    /// Sets who may send XMPP connection requests (ManagementServer.ConnReqAllowedJabberIDs, TR-069 Annex K; kept
    /// across a factory reset; the ACS may change it). A bare JID allows each of its resources, a full JID only itself.
    /// </summary>
    public void SetAllowedJabberIds(IEnumerable<string> jids)
    {
        ArgumentNullException.ThrowIfNull(jids);
        SetFactorySetting(Model.Root + "ManagementServer.ConnReqAllowedJabberIDs", string.Join(',', jids));
    }

    /// <summary>
    /// The device's XMPP stream is logged in as <paramref name="jid"/>: it becomes ManagementServer.ConnReqJabberID,
    /// reported in every Inform, and at once (4 VALUE CHANGE) when it changed.
    /// </summary>
    public void XmppBound(string jid)
    {
        ArgumentNullException.ThrowIfNull(jid);
        var name = Model.Root + "ManagementServer.ConnReqJabberID";
        var reported = Model.Get(name);
        SetFactorySetting(name, jid);
        if (reported != jid)
        {
            AddEvent(EventCodes.ValueChange);
            Wake();
        }
    }

    /// <summary>
    /// Whether <paramref name="from"/> may send this device an XMPP connection request: only a sender that
    /// ConnReqAllowedJabberIDs lists. An empty list allows nobody (stricter than TR-069, where it allows everyone: a
    /// device reachable by any account on a shared XMPP server is one any subscriber can wake).
    /// </summary>
    public bool AllowsXmppSender(Jid from)
    {
        ArgumentNullException.ThrowIfNull(from);
        var list = Model.Get(Model.Root + "ManagementServer.ConnReqAllowedJabberIDs") ?? string.Empty;
        foreach (var entry in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Jid.TryParse(entry, out var allowed) && from.IsAllowedBy(allowed))
            {
                return true;
            }
        }

        return false;
    }
}
