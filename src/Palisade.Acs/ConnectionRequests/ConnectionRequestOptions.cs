using System.Net;

namespace Palisade.Acs.ConnectionRequests;

/// <summary>
/// Where and how often the ACS may send connection requests (its time and size bounds are
/// <see cref="ConnectionRequesterLimits"/>). A CPE reports its own ConnectionRequestURL, so the
/// target of every request is chosen by the device: these bounds keep that from becoming a request forgery into the
/// ACS's own network (docs/security.md, "Connection requests").
/// </summary>
public sealed class ConnectionRequestOptions
{
    /// <summary>
    /// The CPE networks (CIDR, e.g. <c>10.64.0.0/10</c> or <c>2001:db8::/32</c>) connection requests may go to. Empty
    /// (the default): any unicast address that is not refused outright. Loopback is reached only through an entry that
    /// lies inside the loopback range (<c>127.0.0.0/8</c>, <c>::1/128</c>), and one of the ACS's own addresses only
    /// through an entry naming that single address; link-local, metadata, multicast, broadcast and unspecified
    /// addresses are never reached.
    /// </summary>
    public IList<string> AllowedNetworks { get; } = [];

    /// <summary>
    /// Domains besides the ACS's own XMPP account's that XMPP connection requests (TR-069 Annex K) may go to. Empty (the
    /// default): only the account's domain, so a device cannot make the ACS send its credentials to a federated domain.
    /// </summary>
    public IList<string> XmppDomains { get; } = [];

    /// <summary>Connection requests one device may receive at once before it has to wait (default 4).</summary>
    public int PerDeviceBurst { get; set; } = 4;

    /// <summary>How long a device waits for each further connection request beyond the burst (default 15 s).</summary>
    public TimeSpan PerDeviceInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The parsed <see cref="AllowedNetworks"/>; throws with the entry that is not a network.</summary>
    public IReadOnlyList<IPNetwork> ParseNetworks()
    {
        var networks = new List<IPNetwork>(AllowedNetworks.Count);
        foreach (var text in AllowedNetworks)
        {
            var entry = text.Trim();
            if (IPAddress.TryParse(entry, out var single) && !entry.Contains('/', StringComparison.Ordinal))
            {
                networks.Add(new IPNetwork(Normalize(single), single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork || single.IsIPv4MappedToIPv6 ? 32 : 128));
            }
            else if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                throw new ArgumentException($"--cpe-network '{text}' is not a network: give an address or a CIDR such as 10.0.0.0/8 (with the host bits zero).");
            }
        }

        return networks;
    }

    /// <summary>Throws with a message an operator can act on when a bound is out of range or a network unreadable.</summary>
    public void Validate()
    {
        _ = ParseNetworks();
        foreach (var domain in XmppDomains)
        {
            _ = Xmpp.XmppTargetPolicy.NormalizeDomain(domain);
        }

        if (PerDeviceBurst is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(PerDeviceBurst), "The connection-request burst per device must be 1–1000.");
        }

        if (PerDeviceInterval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PerDeviceInterval), "The connection-request interval per device must not be negative.");
        }
    }

    internal static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
