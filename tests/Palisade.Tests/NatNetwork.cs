using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Palisade.Tests;

/// <summary>
/// A home network behind a NAT, built from network namespaces for one test: a "router" namespace whose WAN side is a
/// veth pair with this (the host's) namespace and which MASQUERADEs (iptables) what its LAN sends out, and a "LAN"
/// namespace behind it whose default route is the router. The host gets a route to the LAN through the router, but
/// the router refuses every connection from the WAN that the LAN did not open (as a home gateway does), so only
/// what the NAT mapped comes back in. Disposing deletes both namespaces, which removes the veth pairs and the route;
/// namespaces left by a test process that died are removed by the next one. Needs root (or CAP_NET_ADMIN),
/// <c>ip</c> and <c>iptables</c> (scripts/test-netns.sh).
/// </summary>
internal sealed class NatNetwork : IAsyncDisposable
{
    private const string Prefix = "palisade-nat-";

    private NatNetwork(string router, string lan, IPAddress host, IPAddress routerWan, IPAddress cpe, string wanNetwork, string lanNetwork)
    {
        RouterNamespace = router;
        LanNamespace = lan;
        HostAddress = host;
        RouterWanAddress = routerWan;
        CpeAddress = cpe;
        WanNetwork = wanNetwork;
        LanNetwork = lanNetwork;
    }

    public string RouterNamespace { get; }

    /// <summary>Where the CPEs run (<c>ip netns exec</c>).</summary>
    public string LanNamespace { get; }

    /// <summary>This namespace's address on the WAN link: the ACS listens here.</summary>
    public IPAddress HostAddress { get; }

    /// <summary>The NAT's public address: what the ACS sees as the source of every CPE.</summary>
    public IPAddress RouterWanAddress { get; }

    /// <summary>The CPEs' private address in the LAN.</summary>
    public IPAddress CpeAddress { get; }

    public string WanNetwork { get; }

    public string LanNetwork { get; }

    public static async Task<NatNetwork> CreateAsync()
    {
        await RemoveOrphansAsync();
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            // Random /24s so that test runs of several worktrees on one machine do not collide (a taken route fails the
            // attempt and another pair is drawn): the WAN in the shared address space of carrier-grade NAT (RFC 6598).
            var wan = $"100.{Random.Shared.Next(64, 128)}.{Random.Shared.Next(0, 256)}";
            var lan = $"10.{Random.Shared.Next(200, 250)}.{Random.Shared.Next(0, 256)}";
            var tag = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
            var id = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}-{tag}");
            var network = new NatNetwork(Prefix + id + "-router", Prefix + id + "-lan", IPAddress.Parse(wan + ".1"), IPAddress.Parse(wan + ".2"), IPAddress.Parse(lan + ".2"), wan + ".0/24", lan + ".0/24");
            try
            {
                await network.BuildAsync("pn" + tag);
                return network;
            }
            catch (InvalidOperationException e)
            {
                last = e;
                await network.DisposeAsync();
            }
        }

        throw new InvalidOperationException("Could not build the NAT network (root, ip and iptables are needed; ./test.sh checks them).", last);
    }

    /// <summary>Deletes both namespaces (and with them the veth pairs and the host's route to the LAN).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in new[] { LanNamespace, RouterNamespace })
        {
            await TryAsync("ip", "netns", "del", name);
        }
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>; throws with its error output when it fails.</summary>
    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var (code, output) = await TryAsync(file, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {code}: {output}");
        }

        return output;
    }

    private async Task BuildAsync(string veth)
    {
        var (host, wan, lanSide, cpe) = (veth + "h", veth + "w", veth + "n", veth + "c");
        var (r, l) = (RouterNamespace, LanNamespace);
        var router = RouterWanAddress.ToString();
        var gateway = LanNetwork[..LanNetwork.LastIndexOf('.')] + ".1";
        await RunAsync("ip", "netns", "add", r);
        await RunAsync("ip", "netns", "add", l);
        await RunAsync("ip", "link", "add", host, "type", "veth", "peer", "name", wan, "netns", r);
        await RunAsync("ip", "-n", r, "link", "add", lanSide, "type", "veth", "peer", "name", cpe, "netns", l);
        await RunAsync("ip", "addr", "add", HostAddress + "/24", "dev", host);
        await RunAsync("ip", "link", "set", host, "up");
        await RunAsync("ip", "-n", r, "addr", "add", router + "/24", "dev", wan);
        await RunAsync("ip", "-n", r, "addr", "add", gateway + "/24", "dev", lanSide);
        await RunAsync("ip", "-n", l, "addr", "add", CpeAddress + "/24", "dev", cpe);
        foreach (var (ns, link) in new[] { (r, wan), (r, lanSide), (r, "lo"), (l, cpe), (l, "lo") })
        {
            await RunAsync("ip", "-n", ns, "link", "set", link, "up");
        }

        await RunAsync("ip", "-n", l, "route", "add", "default", "via", gateway);
        await RunAsync("ip", "netns", "exec", r, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        await RunAsync("ip", "netns", "exec", r, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", wan, "-j", "MASQUERADE");
        await RunAsync("ip", "netns", "exec", r, "iptables", "-A", "FORWARD", "-i", wan, "-o", lanSide, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
        await RunAsync("ip", "netns", "exec", r, "iptables", "-A", "FORWARD", "-i", wan, "-o", lanSide, "-j", "REJECT", "--reject-with", "icmp-host-unreachable");

        // The host may send to the LAN (so a refused connection request fails at once rather than wandering off by the
        // default route); the router's FORWARD rules decide what arrives.
        await RunAsync("ip", "route", "add", LanNetwork, "via", router, "dev", host);
    }

    // Namespaces of test processes that are gone (killed mid-test): their owner's pid is in the name.
    private static async Task RemoveOrphansAsync()
    {
        var (code, list) = await TryAsync("ip", "netns", "list");
        if (code != 0)
        {
            return;
        }

        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = line.Split(' ')[0];
            var end = name.StartsWith(Prefix, StringComparison.Ordinal) ? name.IndexOf('-', Prefix.Length) : -1;
            if (end < 0
                || !int.TryParse(name.AsSpan(Prefix.Length, end - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)))
            {
                continue;
            }

            await TryAsync("ip", "netns", "del", name);
        }
    }

    private static async Task<(int Code, string Output)> TryAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
