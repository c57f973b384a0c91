using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Palisade.Cwmp.Values;

namespace Palisade.Cpe.Diagnostics;

/// <summary>
/// TR-143 download and upload diagnostics over HTTP(S) (the times of the TCP handshake, the request, the first and
/// last byte), and NSLookup (a DNS A query of its own to DNSServer, or the system resolver when none is given).
/// </summary>
public static class TransferDiagnostics
{
    /// <summary>The largest body a download diagnostic reads, and an upload sends.</summary>
    public const long MaxBytes = 1024L * 1024 * 1024;

    /// <summary>DownloadDiagnostics: GET DownloadURL and count what arrives.</summary>
    public static async Task<(string State, Dictionary<string, ParameterValue> Results)> DownloadAsync(string url, X509Certificate2Collection trusted, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return ("Error_InitConnectionFailed", []);
        }

        var times = new Times(time);
        using var http = Client(times, trusted);
        try
        {
            times.Rom = time.GetUtcNow();
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return ("Error_NoResponse", []);
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64 * 1024];
            long received = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (received == 0)
                {
                    times.Bom = time.GetUtcNow();
                }

                received += read;
                if (received > MaxBytes)
                {
                    return ("Error_TransferFailed", []);
                }
            }

            times.Bom ??= time.GetUtcNow();
            var eom = time.GetUtcNow();
            var results = times.Results(eom);
            results["TestBytesReceived"] = ParameterValue.UnsignedInt((uint)received);
            results["TotalBytesReceived"] = ParameterValue.UnsignedInt((uint)received);
            return ("Complete", results);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (times.TcpOpenResponse is null ? "Error_InitConnectionFailed" : "Error_TransferFailed", []);
        }
    }

    /// <summary>UploadDiagnostics: PUT TestFileLength bytes to UploadURL.</summary>
    public static async Task<(string State, Dictionary<string, ParameterValue> Results)> UploadAsync(string url, uint length, X509Certificate2Collection trusted, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return ("Error_InitConnectionFailed", []);
        }

        if (length > MaxBytes)
        {
            return ("Error_Other", new() { ["X_PALISADE_Error"] = ParameterValue.String("TestFileLength is over the agent's bound of 1 GiB") });
        }

        var times = new Times(time);
        using var http = Client(times, trusted);
        try
        {
            times.Rom = time.GetUtcNow();
            using var content = new ZeroContent(length);
            using var response = await http.PutAsync(uri, content, cancellationToken).ConfigureAwait(false);
            times.Bom ??= times.TcpOpenResponse;
            var eom = time.GetUtcNow();
            if (!response.IsSuccessStatusCode)
            {
                return ("Error_NoResponse", []);
            }

            var results = times.Results(eom);
            results["TestBytesSent"] = ParameterValue.UnsignedInt(length);
            results["TotalBytesSent"] = ParameterValue.UnsignedInt(length);
            return ("Complete", results);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (times.TcpOpenResponse is null ? "Error_InitConnectionFailed" : "Error_TransferFailed", []);
        }
    }

    /// <summary>NSLookup: NumberOfRepetitions A queries for HostName, each waiting Timeout ms.</summary>
    public static async Task<(string State, Dictionary<string, ParameterValue> Results)> NsLookupAsync(string hostName, string dnsServer, uint repetitions, uint timeoutMs, CancellationToken cancellationToken)
    {
        IPEndPoint? server = null;
        if (dnsServer.Length > 0 && !IPEndPoint.TryParse(dnsServer, out server))
        {
            return ("Error_DNSServerNotResolved", []);
        }

        if (server is { Port: 0 })
        {
            server.Port = 53;
        }

        var results = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
        var successes = 0;
        for (var i = 1; i <= repetitions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var (status, authoritative, addresses) = server is null
                ? await SystemAsync(hostName, cancellationToken).ConfigureAwait(false)
                : await QueryAsync(server, hostName, timeoutMs, cancellationToken).ConfigureAwait(false);
            var ms = (uint)Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            successes += status == "Success" ? 1 : 0;
            var prefix = "Result." + i.ToString(CultureInfo.InvariantCulture) + ".";
            results[prefix + "Status"] = ParameterValue.String(status);
            results[prefix + "AnswerType"] = ParameterValue.String(status != "Success" ? "None" : authoritative ? "Authoritative" : "NonAuthoritative");
            results[prefix + "HostNameReturned"] = ParameterValue.String(status == "Success" ? hostName : string.Empty);
            results[prefix + "IPAddresses"] = ParameterValue.String(string.Join(',', addresses));
            results[prefix + "DNSServerIP"] = ParameterValue.String(server?.Address.ToString() ?? string.Empty);
            results[prefix + "ResponseTime"] = ParameterValue.UnsignedInt(ms);
        }

        results["SuccessCount"] = ParameterValue.UnsignedInt((uint)successes);
        results["ResultNumberOfEntries"] = ParameterValue.UnsignedInt(repetitions);
        return ("Complete", results);
    }

    private static async Task<(string, bool, List<string>)> SystemAsync(string hostName, CancellationToken cancellationToken)
    {
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(hostName, AddressFamily.InterNetwork, cancellationToken).ConfigureAwait(false);
            return (addresses.Length > 0 ? "Success" : "Error_HostNameNotResolved", false, [.. addresses.Select(a => a.ToString())]);
        }
        catch (SocketException)
        {
            return ("Error_HostNameNotResolved", false, []);
        }
    }

    // One A query over UDP (RFC 1035): a random id, recursion desired; the answer must echo the id and the question.
    private static async Task<(string, bool, List<string>)> QueryAsync(IPEndPoint server, string hostName, uint timeoutMs, CancellationToken cancellationToken)
    {
        var labels = hostName.TrimEnd('.').Split('.');
        if (hostName.Length is 0 or > 253 || labels.Any(l => l.Length is 0 or > 63 || l.Any(c => c > 127)))
        {
            return ("Error_HostNameNotResolved", false, []);
        }

        var id = (ushort)Random.Shared.Next(ushort.MaxValue);
        var query = new List<byte>();
        query.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        foreach (var label in labels)
        {
            query.Add((byte)label.Length);
            query.AddRange(label.Select(c => (byte)c));
        }

        query.AddRange([0, 0, 1, 0, 1]);
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(query.ToArray(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromMilliseconds(timeoutMs));
        var answer = new byte[512];
        int length;
        try
        {
            length = await socket.ReceiveAsync(answer, SocketFlags.None, wait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException && !cancellationToken.IsCancellationRequested)
        {
            return ("Error_Timeout", false, []);
        }

        return Parse(answer.AsSpan(0, length), id, query.Count);
    }

    // Only what a bounded reader needs: header, the echoed question skipped by its known length, A records.
    private static (string, bool, List<string>) Parse(ReadOnlySpan<byte> m, ushort id, int questionEnd)
    {
        if (m.Length < questionEnd || BinaryPrimitives.ReadUInt16BigEndian(m) != id || (m[2] & 0x80) == 0)
        {
            return ("Error_Other", false, []);
        }

        var authoritative = (m[2] & 0x04) != 0;
        var rcode = m[3] & 0x0F;
        var answers = BinaryPrimitives.ReadUInt16BigEndian(m[6..]);
        if (rcode != 0 || answers == 0)
        {
            return ("Error_HostNameNotResolved", authoritative, []);
        }

        var addresses = new List<string>();
        var at = questionEnd;
        for (var i = 0; i < Math.Min((int)answers, 32) && at < m.Length; i++)
        {
            // The owner name: a pointer (2 bytes) or labels.
            while (at < m.Length && m[at] != 0 && (m[at] & 0xC0) != 0xC0)
            {
                at += m[at] + 1;
            }

            at += at < m.Length && (m[at] & 0xC0) == 0xC0 ? 2 : 1;
            if (at + 10 > m.Length)
            {
                break;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(m[at..]);
            var dataLength = BinaryPrimitives.ReadUInt16BigEndian(m[(at + 8)..]);
            at += 10;
            if (at + dataLength > m.Length)
            {
                break;
            }

            if (type == 1 && dataLength == 4)
            {
                addresses.Add(new IPAddress(m.Slice(at, 4)).ToString());
            }

            at += dataLength;
        }

        return (addresses.Count > 0 ? "Success" : "Error_HostNameNotResolved", authoritative, addresses);
    }

#pragma warning disable CA2000 // The HttpClient owns the handler.
    private static HttpClient Client(Times times, X509Certificate2Collection trusted) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        SslOptions = Transport.AcsClient.TlsOptions(trusted, insecure: false),
        ConnectCallback = async (context, cancellationToken) =>
        {
            times.TcpOpenRequest = times.Clock.GetUtcNow();
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                times.TcpOpenResponse = times.Clock.GetUtcNow();
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }, disposeHandler: true) { Timeout = TimeSpan.FromMinutes(5) };
#pragma warning restore CA2000

    private sealed class Times(TimeProvider clock)
    {
        public TimeProvider Clock { get; } = clock;

        public DateTimeOffset? Rom { get; set; }

        public DateTimeOffset? Bom { get; set; }

        public DateTimeOffset? TcpOpenRequest { get; set; }

        public DateTimeOffset? TcpOpenResponse { get; set; }

        public Dictionary<string, ParameterValue> Results(DateTimeOffset eom) => new(StringComparer.Ordinal)
        {
            ["ROMTime"] = ParameterValue.DateTime(Rom ?? eom),
            ["BOMTime"] = ParameterValue.DateTime(Bom ?? eom),
            ["EOMTime"] = ParameterValue.DateTime(eom),
            ["TCPOpenRequestTime"] = ParameterValue.DateTime(TcpOpenRequest ?? Rom ?? eom),
            ["TCPOpenResponseTime"] = ParameterValue.DateTime(TcpOpenResponse ?? Rom ?? eom),
        };
    }
}
