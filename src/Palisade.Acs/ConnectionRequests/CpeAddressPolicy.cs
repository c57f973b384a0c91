using System.Collections.Immutable;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Palisade.Acs.ConnectionRequests;

/// <summary>
/// Decides which addresses a connection request may go to. The URL comes from the device, so every address it
/// resolves to is checked here, and the connection is then made to exactly the address that was checked.
/// </summary>
internal sealed class CpeAddressPolicy
{
    // Never a CPE, whatever the allow-list says: "this network", link-local (169.254.169.254 is the metadata service
    // of AWS, Azure, GCP and others), Alibaba's metadata address, multicast, class E and broadcast; in IPv6 the
    // unspecified address, IPv4-compatible addresses, link-local, multicast and AWS's IPv6 metadata address.
    private static readonly IPNetwork[] Reserved =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("100.100.100.200/32"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/96"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"),
        IPNetwork.Parse("fd00:ec2::254/128"),
        IPNetwork.Parse("64:ff9b:1::/48"),
    ];

    private static readonly IPNetwork LoopbackV4 = IPNetwork.Parse("127.0.0.0/8");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    private readonly IReadOnlyList<IPNetwork> _allowed;
    private readonly Func<IReadOnlyCollection<IPAddress>> _interfaces;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private ImmutableHashSet<IPAddress> _configuredOwn = [];
    private ImmutableHashSet<int> _ownPorts = [];
    private IReadOnlyCollection<IPAddress> _cachedInterfaces = [];
    private DateTimeOffset _interfacesReadAt = DateTimeOffset.MinValue;

    public CpeAddressPolicy(IReadOnlyList<IPNetwork> allowed, TimeProvider time, Func<IReadOnlyCollection<IPAddress>>? interfaces = null)
    {
        _allowed = allowed;
        _time = time;
        _interfaces = interfaces ?? InterfaceAddresses;
    }

    /// <summary>Adds addresses and ports the ACS itself answers on (its listeners, the addresses it is known by).</summary>
    public void AddOwn(IEnumerable<IPAddress> addresses, IEnumerable<int> ports)
    {
        lock (_gate)
        {
            _configuredOwn = _configuredOwn.Union(addresses.Select(ConnectionRequestOptions.Normalize));
            _ownPorts = _ownPorts.Union(ports.Where(p => p > 0));
        }
    }

    public AddressVerdict Check(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        var a = ConnectionRequestOptions.Normalize(address);
        if (a.AddressFamily == AddressFamily.InterNetworkV6 && Embedded(a) is { } inner)
        {
            // A NAT64 or 6to4 address reaches the IPv4 address inside it: that one decides too.
            var verdict = Check(inner, port);
            if (verdict != AddressVerdict.Allowed)
            {
                return verdict;
            }
        }

        if (a.Equals(IPAddress.IPv6Loopback) || (a.AddressFamily == AddressFamily.InterNetwork && LoopbackV4.Contains(a)))
        {
            return Volatile.Read(ref _ownPorts).Contains(port) ? AddressVerdict.OwnPort
                : _allowed.Any(n => n.Contains(a) && InsideLoopback(n)) ? AddressVerdict.Allowed : AddressVerdict.Loopback;
        }

        if (Reserved.Any(n => n.Contains(a)) || a.Equals(IPAddress.Broadcast))
        {
            return AddressVerdict.Reserved;
        }

        if (IsOwn(a))
        {
            var maxPrefix = a.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            return Volatile.Read(ref _ownPorts).Contains(port) ? AddressVerdict.OwnPort
                : _allowed.Any(n => n.PrefixLength == maxPrefix && n.Contains(a)) ? AddressVerdict.Allowed : AddressVerdict.OwnAddress;
        }

        return _allowed.Count == 0 || _allowed.Any(n => n.Contains(a)) ? AddressVerdict.Allowed : AddressVerdict.OutsideAllowList;
    }

    private static bool InsideLoopback(IPNetwork network) =>
        network.BaseAddress.AddressFamily == AddressFamily.InterNetwork
            ? network.PrefixLength >= 8 && LoopbackV4.Contains(network.BaseAddress)
            : network.PrefixLength == 128 && network.BaseAddress.Equals(IPAddress.IPv6Loopback);

    private static IPAddress? Embedded(IPAddress v6)
    {
        var bytes = v6.GetAddressBytes();
        if (Nat64.Contains(v6))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return SixToFour.Contains(v6) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }

    private static IReadOnlyCollection<IPAddress> InterfaceAddresses()
    {
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(u => ConnectionRequestOptions.Normalize(u.Address))];
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    private bool IsOwn(IPAddress address)
    {
        if (Volatile.Read(ref _configuredOwn).Contains(address))
        {
            return true;
        }

        // Interfaces come and go (DHCP, VPNs): read them again once a minute.
        var now = _time.GetUtcNow();
        IReadOnlyCollection<IPAddress> current;
        lock (_gate)
        {
            if (now - _interfacesReadAt > TimeSpan.FromMinutes(1) || now < _interfacesReadAt)
            {
                _cachedInterfaces = _interfaces();
                _interfacesReadAt = now;
            }

            current = _cachedInterfaces;
        }

        // Compared without the IPv6 scope id, which interface addresses carry and reported ones need not.
        var bytes = address.GetAddressBytes();
        return current.Any(i => i.AddressFamily == address.AddressFamily && i.GetAddressBytes().AsSpan().SequenceEqual(bytes));
    }
}
