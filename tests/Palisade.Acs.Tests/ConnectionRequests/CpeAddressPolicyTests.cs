using System.Net;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.ConnectionRequests;

namespace Palisade.Acs.Tests.ConnectionRequests;

/// <summary>Which addresses a device may point the ACS's connection requests at (issue 24, medium 6).</summary>
public sealed class CpeAddressPolicyTests
{
    private static readonly IPAddress Own = IPAddress.Parse("10.1.2.3");

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.170.2")]
    [InlineData("100.100.100.200")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:a9fe:a9fe::1")]
    [InlineData("fe80::1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("224.0.0.1")]
    [InlineData("ff02::1")]
    [InlineData("255.255.255.255")]
    public void Metadata_link_local_multicast_broadcast_and_unspecified_are_refused_whatever_the_allow_list_says(string address)
    {
        var policy = Policy("0.0.0.0/0", "::/0");
        Assert.Equal(AddressVerdict.Reserved, policy.Check(IPAddress.Parse(address), 80));
        Assert.Equal(AddressVerdict.Reserved, Policy().Check(IPAddress.Parse(address), 80));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.10.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    public void Loopback_is_refused_by_default_and_by_a_wide_network(string address)
    {
        Assert.Equal(AddressVerdict.Loopback, Policy().Check(IPAddress.Parse(address), 7548));
        Assert.Equal(AddressVerdict.Loopback, Policy("0.0.0.0/0", "::/0").Check(IPAddress.Parse(address), 7548));
    }

    [Fact]
    public void Loopback_is_reached_only_through_an_entry_inside_the_loopback_range()
    {
        var policy = Policy("127.0.0.0/8", "::1");
        Assert.Equal(AddressVerdict.Allowed, policy.Check(IPAddress.Loopback, 7548));
        Assert.Equal(AddressVerdict.Allowed, policy.Check(IPAddress.IPv6Loopback, 7548));
    }

    [Fact]
    public void The_acs_own_ports_on_loopback_stay_refused_when_loopback_is_allowed()
    {
        var policy = Policy("127.0.0.0/8", "192.0.2.0/24");
        policy.AddOwn([], [7547, 7557]);
        Assert.Equal(AddressVerdict.OwnPort, policy.Check(IPAddress.Loopback, 7557));
        Assert.Equal(AddressVerdict.OwnPort, policy.Check(IPAddress.Parse("127.0.0.2"), 7547));
        Assert.Equal(AddressVerdict.Allowed, policy.Check(IPAddress.Loopback, 7548));
        Assert.Equal(AddressVerdict.Allowed, policy.Check(IPAddress.Parse("192.0.2.10"), 7547));
    }

    [Fact]
    public void The_acs_own_addresses_are_refused_unless_named_alone()
    {
        Assert.Equal(AddressVerdict.OwnAddress, Policy().Check(Own, 7548));
        Assert.Equal(AddressVerdict.OwnAddress, Policy("10.0.0.0/8").Check(Own, 7548));
        Assert.Equal(AddressVerdict.Allowed, Policy("10.1.2.3/32").Check(Own, 7548));
        Assert.Equal(AddressVerdict.Allowed, Policy("10.1.2.3").Check(Own, 7548));

        var configured = Policy();
        configured.AddOwn([IPAddress.Parse("198.51.100.7")], []);
        Assert.Equal(AddressVerdict.OwnAddress, configured.Check(IPAddress.Parse("198.51.100.7"), 443));
    }

    [Fact]
    public void Private_and_public_cpe_addresses_are_reached_by_default_and_an_allow_list_narrows_them()
    {
        foreach (var address in new[] { "10.9.9.9", "192.168.1.1", "172.16.5.5", "100.64.0.1", "203.0.113.9", "fd12::1", "2001:db8::1" })
        {
            Assert.Equal(AddressVerdict.Allowed, Policy().Check(IPAddress.Parse(address), 7547));
        }

        var narrow = Policy("100.64.0.0/10", "2001:db8::/32");
        Assert.Equal(AddressVerdict.Allowed, narrow.Check(IPAddress.Parse("100.64.0.1"), 7547));
        Assert.Equal(AddressVerdict.Allowed, narrow.Check(IPAddress.Parse("2001:db8::1"), 7547));
        Assert.Equal(AddressVerdict.OutsideAllowList, narrow.Check(IPAddress.Parse("10.9.9.9"), 7547));
        Assert.Equal(AddressVerdict.OutsideAllowList, narrow.Check(IPAddress.Parse("::ffff:10.9.9.9"), 7547));
    }

    [Fact]
    public void An_unreadable_network_is_refused_at_start_with_the_entry_named()
    {
        var options = new ConnectionRequestOptions();
        options.AllowedNetworks.Add("10.0.0.0/33");
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("10.0.0.0/33", e.Message, StringComparison.Ordinal);
    }

    private static CpeAddressPolicy Policy(params string[] allowed)
    {
        var options = new ConnectionRequestOptions();
        foreach (var network in allowed)
        {
            options.AllowedNetworks.Add(network);
        }

        return new CpeAddressPolicy(options.ParseNetworks(), new FakeTimeProvider(), () => [IPAddress.Loopback, Own, IPAddress.Parse("fe80::1")]);
    }
}
