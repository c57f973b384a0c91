using Palisade.Cwmp.Events;

namespace Palisade.Cpe.Agent;

public sealed partial class CpeAgent
{
    private string? _stunAddress;

    /// <summary>True when the last STUN answer gave another address than the one before (the next request says BINDING-CHANGE).</summary>
    public bool StunBindingChanged { get; private set; }

    /// <summary>
    /// STUN told the device its public UDP address (TR-069 Annex G): it becomes UDPConnectionRequestAddress and
    /// NATDetected, reported in every Inform, and at once (4 VALUE CHANGE) when it moved.
    /// </summary>
    public void StunMapped(string address, bool natDetected)
    {
        ArgumentNullException.ThrowIfNull(address);
        StunBindingChanged = _stunAddress is not null && _stunAddress != address;
        var reported = Model.Get(Model.Root + "ManagementServer.UDPConnectionRequestAddress");
        SetFactorySetting(Model.Root + "ManagementServer.NATDetected", natDetected ? "true" : "false");
        SetFactorySetting(Model.Root + "ManagementServer.UDPConnectionRequestAddress", address);
        _stunAddress = address;
        if (reported != address)
        {
            AddEvent(EventCodes.ValueChange);
            Wake();
        }
    }
}
