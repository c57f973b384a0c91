using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Events;
using Palisade.Security.Pki;
using Palisade.Testing;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>TR-143 diagnostics as tasks, run for real by the agent against targets this test serves (issue 23, item 4).</summary>
public sealed class DiagnosticsTests : IAsyncLifetime
{
    private const int FileSize = 300_000;
    private TestServer _server = null!;
    private TestWebServer _web = null!;
    private long _served;
    private long _uploaded;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        using var ca = new CertificateAuthority(PkiStore.LoadWithKey(Path.Combine(_server.DataDirectory, "pki", "ca.crt"), Path.Combine(_server.DataDirectory, "pki", "ca.key")));
        _web = await TestWebServer.StartAsync(ca.IssueServer(["127.0.0.1"], TimeSpan.FromDays(1)), async context =>
        {
            if (context.Request.Method == "PUT")
            {
                var buffer = new byte[65536];
                int n;
                while ((n = await context.Request.Body.ReadAsync(buffer)) > 0)
                {
                    Interlocked.Add(ref _uploaded, n);
                }

                return;
            }

            var body = new byte[FileSize];
            await context.Response.Body.WriteAsync(body);
            Interlocked.Add(ref _served, body.Length);
        });
    }

    public async Task DisposeAsync()
    {
        await _web.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Ping_and_traceroute_of_loopback_report_every_answer()
    {
        await using var agent = NewAgent(_server, "DIAG01");
        var ping = await RunAsync(agent, """{"name":"ipPing","host":"127.0.0.1","numberOfRepetitions":4,"timeout":1000}""");
        Assert.Equal(4, ping.GetProperty("successCount").GetInt32());
        Assert.Equal(0, ping.GetProperty("failureCount").GetInt32());
        Assert.Equal("Complete", ping.GetProperty("diagnosticsState").GetString());
        Assert.Equal("127.0.0.1", ping.GetProperty("host").GetString());
        Assert.True(ping.GetProperty("minimumResponseTimeDetailed").GetInt64() <= ping.GetProperty("averageResponseTimeDetailed").GetInt64());
        Assert.True(ping.GetProperty("averageResponseTimeDetailed").GetInt64() <= ping.GetProperty("maximumResponseTimeDetailed").GetInt64());
        Assert.Contains(ping.GetProperty("x_PALISADE_Method").GetString(), new[] { "icmp", "tcp-connect" });

        var trace = await RunAsync(agent, """{"name":"traceRoute","host":"127.0.0.1","numberOfTries":2,"maxHopCount":5}""");
        var hop = Assert.Single(trace.GetProperty("routeHops").EnumerateArray());
        Assert.Equal("127.0.0.1", hop.GetProperty("hostAddress").GetString());
        Assert.Equal(1, trace.GetProperty("routeHopsNumberOfEntries").GetInt32());
    }

    [Fact]
    public async Task Download_and_upload_diagnostics_count_the_bytes_the_test_server_moved()
    {
        await using var agent = NewAgent(_server, "DIAG02");
        var download = await RunAsync(agent, $$"""{"name":"downloadDiagnostics","downloadURL":"{{_web.Url}}file.bin"}""");
        Assert.Equal(FileSize, download.GetProperty("testBytesReceived").GetInt64());
        Assert.Equal(Interlocked.Read(ref _served), download.GetProperty("testBytesReceived").GetInt64());
        var rom = DateTimeOffset.Parse(download.GetProperty("romTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var eom = DateTimeOffset.Parse(download.GetProperty("eomTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(rom <= eom);

        var upload = await RunAsync(agent, $$"""{"name":"uploadDiagnostics","uploadURL":"{{_web.Url}}up.bin","testFileLength":123456}""");
        Assert.Equal(123456, upload.GetProperty("testBytesSent").GetInt64());
        Assert.Equal(123456, Interlocked.Read(ref _uploaded));
    }

    [Fact]
    public async Task Udp_echo_and_ns_lookup_match_what_the_test_servers_answered()
    {
        using var echo = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var echoed = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var echoing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var datagram = await echo.ReceiveAsync(stop.Token);
                Interlocked.Increment(ref echoed);
                await echo.SendAsync(datagram.Buffer, datagram.RemoteEndPoint, stop.Token);
            }
        });

        using var dns = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var queries = 0;
        var answering = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var query = await dns.ReceiveAsync(stop.Token);
                Interlocked.Increment(ref queries);
                await dns.SendAsync(Answer(query.Buffer), query.RemoteEndPoint, stop.Token);
            }
        });

        await using var agent = NewAgent(_server, "DIAG03");
        var port = ((IPEndPoint)echo.Client.LocalEndPoint!).Port;
        var udp = await RunAsync(agent, $$"""{"name":"udpEcho","host":"127.0.0.1","port":{{port}},"numberOfRepetitions":5,"timeout":2000}""");
        Assert.Equal(5, udp.GetProperty("successCount").GetInt32());
        Assert.Equal(Volatile.Read(ref echoed), udp.GetProperty("successCount").GetInt32());

        var server = "127.0.0.1:" + ((IPEndPoint)dns.Client.LocalEndPoint!).Port;
        var lookup = await RunAsync(agent, $$"""{"name":"nsLookup","hostName":"cpe.example.net","dnsServer":"{{server}}","numberOfRepetitions":2,"timeout":2000}""");
        Assert.Equal(2, lookup.GetProperty("successCount").GetInt32());
        Assert.Equal(Volatile.Read(ref queries), lookup.GetProperty("successCount").GetInt32());
        var result = lookup.GetProperty("result").EnumerateArray().First();
        Assert.Equal("192.0.2.7", result.GetProperty("ipAddresses").GetString());
        Assert.Equal("Authoritative", result.GetProperty("answerType").GetString());
        await stop.CancelAsync();
        await Task.WhenAll(echoing, answering).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_faults_the_task_with_the_diagnostics_state()
    {
        await using var agent = NewAgent(_server, "DIAG04");
        await SessionOkAsync(agent);
        var task = await QueueAsync(_server, agent, """{"name":"ipPing","host":"no-such-host.invalid"}""");
        await SessionOkAsync(agent);
        await EventuallyAsync(() => Task.FromResult(agent.PendingEvents.Any(e => e.EventCode == EventCodes.DiagnosticsComplete)), "the diagnostic");
        await SessionOkAsync(agent);
        var faulted = await TaskAsync(_server, task);
        Assert.Equal(DeviceTaskStatus.Faulted, faulted.Status);
        Assert.Contains("Error_CannotResolveHostName", faulted.Fault!.Message, StringComparison.Ordinal);
    }

    // Queue, a session that requests it, the agent runs it, a session that reads the results.
    private async Task<JsonElement> RunAsync(Palisade.Cpe.Agent.CpeAgent agent, string json)
    {
        await SessionOkAsync(agent);
        var task = await QueueAsync(_server, agent, json);
        await SessionOkAsync(agent);
        var requested = await TaskAsync(_server, task);
        Assert.Equal(DeviceTaskStatus.Queued, requested.Status);
        Assert.Contains("requested", requested.Result, StringComparison.Ordinal);
        await EventuallyAsync(() => Task.FromResult(agent.PendingEvents.Any(e => e.EventCode == EventCodes.DiagnosticsComplete)), "the diagnostic", 30);
        await SessionOkAsync(agent);
        var done = await TaskAsync(_server, task);
        Assert.True(done.Status == DeviceTaskStatus.Done, done.Fault?.Message + " " + done.Fault?.Detail);
        return JsonDocument.Parse(done.Result!).RootElement.Clone();
    }

    // An authoritative answer with one A record 192.0.2.7 to the question of the query.
    private static byte[] Answer(byte[] query)
    {
        var answer = new List<byte>(query);
        answer[2] = 0x85; // response, authoritative, recursion desired
        answer[3] = 0x80;
        answer[7] = 1; // one answer
        answer.AddRange([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]);
        return [.. answer];
    }
}
