using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Palisade.Cwmp.Values;

namespace Palisade.Cpe.Diagnostics;

/// <summary>
/// Runs the diagnostics for real against the network: ICMP echo where the process may send it (root or
/// CAP_NET_RAW, or the unprivileged ping sockets of Linux), otherwise a TCP connect to the target (a refused
/// connection counts as an answer: it took a round trip), and says which in <c>X_PALISADE_Method</c>.
/// Every wait is bounded by the diagnostic's Timeout.
/// </summary>
public static class DiagnosticsRunner
{
    /// <summary>The port the TCP-connect fallback knocks on (the echo service; a refusal answers as well).</summary>
    public const int FallbackPort = 7;

    /// <summary>IPPing: NumberOfRepetitions echoes of DataBlockSize bytes, each waiting Timeout ms.</summary>
    public static async Task<(string State, Dictionary<string, ParameterValue> Results)> PingAsync(string host, uint repetitions, uint timeoutMs, uint size, bool icmp, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(host, cancellationToken).ConfigureAwait(false) is not { } address)
        {
            return ("Error_CannotResolveHostName", []);
        }

        var times = new List<double>();
        var failures = 0;
        var method = icmp ? "icmp" : "tcp-connect";
        using var ping = new Ping();
        var buffer = new byte[Math.Min(size, 65500)];
        for (var i = 0; i < repetitions; i++)
        {
            double? rtt;
            if (method == "icmp")
            {
                try
                {
                    rtt = await IcmpAsync(ping, address, (int)timeoutMs, buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is PingException or SocketException or UnauthorizedAccessException or PlatformNotSupportedException)
                {
                    method = "tcp-connect";
                    rtt = await ConnectAsync(address, FallbackPort, timeoutMs, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                rtt = await ConnectAsync(address, FallbackPort, timeoutMs, cancellationToken).ConfigureAwait(false);
            }

            if (rtt is { } ms)
            {
                times.Add(ms);
            }
            else
            {
                failures++;
            }
        }

        var results = Summary(times, failures);
        results["IPAddressUsed"] = ParameterValue.String(address.ToString());
        results["X_PALISADE_Method"] = ParameterValue.String(method);
        return ("Complete", results);
    }

    /// <summary>TraceRoute: ICMP echoes with TTL 1, 2, … until the host answers or MaxHopCount; one hop by TCP connect without ICMP.</summary>
    public static async Task<(string State, Dictionary<string, ParameterValue> Results)> TraceRouteAsync(string host, uint tries, uint timeoutMs, uint maxHops, bool icmp, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(host, cancellationToken).ConfigureAwait(false) is not { } address)
        {
            return ("Error_CannotResolveHostName", []);
        }

        var hops = new List<(string Address, List<double> Times)>();
        var method = "icmp";
        var reached = false;
        using var ping = new Ping();
        try
        {
            if (!icmp)
            {
                throw new PlatformNotSupportedException("ICMP is turned off.");
            }

            for (var ttl = 1; ttl <= maxHops && !reached; ttl++)
            {
                var times = new List<double>();
                string? hop = null;
                for (var t = 0; t < tries; t++)
                {
                    var start = Stopwatch.GetTimestamp();
                    var reply = await ping.SendPingAsync(address, TimeSpan.FromMilliseconds(timeoutMs), new byte[32], new PingOptions(ttl, true), cancellationToken).ConfigureAwait(false);
                    if (reply.Status is IPStatus.Success or IPStatus.TtlExpired or IPStatus.TimeExceeded)
                    {
                        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                        hop = reply.Address.ToString();
                        reached |= reply.Status == IPStatus.Success;
                    }
                }

                hops.Add((hop ?? "*", times));
            }
        }
        catch (Exception e) when (e is PingException or SocketException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            method = "tcp-connect";
            hops.Clear();
            var times = new List<double>();
            for (var t = 0; t < tries; t++)
            {
                if (await ConnectAsync(address, FallbackPort, timeoutMs, cancellationToken).ConfigureAwait(false) is { } ms)
                {
                    times.Add(ms);
                }
            }

            reached = times.Count > 0;
            hops.Add((address.ToString(), times));
        }

        if (!reached)
        {
            return ("Error_MaxHopCountExceeded", new() { ["X_PALISADE_Method"] = ParameterValue.String(method) });
        }

        var results = new Dictionary<string, ParameterValue>(StringComparer.Ordinal)
        {
            ["ResponseTime"] = ParameterValue.UnsignedInt((uint)Math.Round(hops[^1].Times.DefaultIfEmpty(0).Average())),
            ["RouteHopsNumberOfEntries"] = ParameterValue.UnsignedInt((uint)hops.Count),
            ["X_PALISADE_Method"] = ParameterValue.String(method),
        };
        for (var i = 0; i < hops.Count; i++)
        {
            var prefix = "RouteHops." + (i + 1).ToString(CultureInfo.InvariantCulture) + ".";
            results[prefix + "Host"] = ParameterValue.String(hops[i].Address);
            results[prefix + "HostAddress"] = ParameterValue.String(hops[i].Address);
            results[prefix + "ErrorCode"] = ParameterValue.UnsignedInt(0);
            results[prefix + "RTTimes"] = ParameterValue.String(string.Join(',', hops[i].Times.Select(t => ((uint)Math.Round(t)).ToString(CultureInfo.InvariantCulture))));
        }

        return ("Complete", results);
    }

    /// <summary>UDPEcho: datagrams of DataBlockSize bytes to host:port, each waiting Timeout ms for its echo.</summary>
    public static async Task<(string State, Dictionary<string, ParameterValue> Results)> UdpEchoAsync(string host, uint port, uint repetitions, uint timeoutMs, uint size, uint interval, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await ResolveAsync(host, cancellationToken).ConfigureAwait(false) is not { } address)
        {
            return ("Error_CannotResolveHostName", []);
        }

        if (port is 0 or > 65535)
        {
            return ("Error_Other", []);
        }

        using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(new IPEndPoint(address, (int)port), cancellationToken).ConfigureAwait(false);
        var times = new List<double>();
        var failures = 0;
        var payload = new byte[Math.Clamp(size, 1, 1472)];
        var answer = new byte[2048];
        for (var i = 0; i < repetitions; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            var start = Stopwatch.GetTimestamp();
            await socket.SendAsync(payload, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromMilliseconds(timeoutMs));
            try
            {
                // An echo of an earlier datagram that came late is not this one's answer.
                while (true)
                {
                    var n = await socket.ReceiveAsync(answer, SocketFlags.None, wait.Token).ConfigureAwait(false);
                    if (n >= 4 && BitConverter.ToInt32(answer, 0) == i)
                    {
                        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                        break;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException && !cancellationToken.IsCancellationRequested)
            {
                failures++;
            }

            if (interval > 0 && i + 1 < repetitions)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(interval), time, cancellationToken).ConfigureAwait(false);
            }
        }

        return ("Complete", Summary(times, failures));
    }

    private static Dictionary<string, ParameterValue> Summary(List<double> times, int failures) => new(StringComparer.Ordinal)
    {
        ["SuccessCount"] = ParameterValue.UnsignedInt((uint)times.Count),
        ["FailureCount"] = ParameterValue.UnsignedInt((uint)failures),
        ["AverageResponseTime"] = ParameterValue.UnsignedInt((uint)Math.Round(times.DefaultIfEmpty(0).Average())),
        ["MinimumResponseTime"] = ParameterValue.UnsignedInt((uint)Math.Round(times.DefaultIfEmpty(0).Min())),
        ["MaximumResponseTime"] = ParameterValue.UnsignedInt((uint)Math.Round(times.DefaultIfEmpty(0).Max())),
        ["AverageResponseTimeDetailed"] = ParameterValue.UnsignedInt((uint)Math.Round(times.DefaultIfEmpty(0).Average() * 1000)),
        ["MinimumResponseTimeDetailed"] = ParameterValue.UnsignedInt((uint)Math.Round(times.DefaultIfEmpty(0).Min() * 1000)),
        ["MaximumResponseTimeDetailed"] = ParameterValue.UnsignedInt((uint)Math.Round(times.DefaultIfEmpty(0).Max() * 1000)),
    };

    private static async Task<double?> IcmpAsync(Ping ping, IPAddress address, int timeoutMs, byte[] buffer, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var reply = await ping.SendPingAsync(address, TimeSpan.FromMilliseconds(timeoutMs), buffer, null, cancellationToken).ConfigureAwait(false);
        return reply.Status == IPStatus.Success ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : null;
    }

    // A TCP handshake, or its refusal, is one round trip to the host.
    private static async Task<double?> ConnectAsync(IPAddress address, int port, uint timeoutMs, CancellationToken cancellationToken)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromMilliseconds(timeoutMs));
        var start = Stopwatch.GetTimestamp();
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), wait.Token).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>The first address of <paramref name="host"/> (a literal address as it is), or null.</summary>
    public static async Task<IPAddress?> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return literal;
        }

        if (host.Length == 0)
        {
            return null;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            // Not a name at all (over 255 characters, bad characters): it does not resolve.
            return null;
        }
    }
}
