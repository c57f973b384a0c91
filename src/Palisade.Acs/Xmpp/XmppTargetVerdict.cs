namespace Palisade.Acs.Xmpp;

/// <summary>What <see cref="XmppTargetPolicy"/> says of a device's Jabber ID.</summary>
internal enum XmppTargetVerdict
{
    /// <summary>The ACS account's domain or one the operator allowed.</summary>
    Allowed,

    /// <summary>Another domain: a request would leave the ISP's XMPP service.</summary>
    OtherDomain,

    /// <summary>The ACS's own account: nodes would send devices' credentials to each other.</summary>
    OwnAccount,
}
