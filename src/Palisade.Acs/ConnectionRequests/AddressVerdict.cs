namespace Palisade.Acs.ConnectionRequests;

/// <summary>Whether a connection request may go to an address, and if not, which rule refused it.</summary>
internal enum AddressVerdict
{
    /// <summary>A CPE address the request may go to.</summary>
    Allowed,

    /// <summary>Never a CPE: unspecified, link-local (cloud metadata), multicast, broadcast, reserved.</summary>
    Reserved,

    /// <summary>This machine's loopback, not opened by an allow-list entry inside the loopback range.</summary>
    Loopback,

    /// <summary>One of the ACS's own addresses, not opened by an allow-list entry naming it alone.</summary>
    OwnAddress,

    /// <summary>One of the ACS's own listening ports on one of its own addresses (loopback included).</summary>
    OwnPort,

    /// <summary>Outside every network of the operator's allow-list.</summary>
    OutsideAllowList,
}
