using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Events;
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
        _web = await TestWebServer.StartTrustedAsync(_server, async context =>
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
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ping = await RunAsync(agent, """{"name":"ipPing","host":"127.0.0.1","numberOfRepetitions":4,"timeout":1000}""");
        var window = clock.Elapsed.TotalMilliseconds;
        Assert.Equal(4, ping.GetProperty("successCount").GetInt32());
        Assert.Equal(0, ping.GetProperty("failureCount").GetInt32());
        Assert.Equal("Complete", ping.GetProperty("diagnosticsState").GetString());
        Assert.Equal("127.0.0.1", ping.GetProperty("host").GetString());
        Assert.Equal("127.0.0.1", ping.GetProperty("ipAddressUsed").GetString());

        AssertRoundTrips(ping, 4, window);
        Assert.Contains(ping.GetProperty("x_PALISADE_Method").GetString(), new[] { "icmp", "tcp-connect" });

        clock.Restart();
        var trace = await RunAsync(agent, """{"name":"traceRoute","host":"127.0.0.1","numberOfTries":2,"maxHopCount":5}""");
        window = clock.Elapsed.TotalMilliseconds;
        var hop = Assert.Single(trace.GetProperty("routeHops").EnumerateArray());
        Assert.Equal("127.0.0.1", hop.GetProperty("hostAddress").GetString());
        Assert.Equal(1, trace.GetProperty("routeHopsNumberOfEntries").GetInt32());
        AssertTries(hop, 2, window);
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

    [Fact]
    public async Task Without_icmp_ping_knocks_on_the_targets_tcp_port_once_per_repetition_and_says_so()
    {
        // The test's own target: a TCP listener on the fallback port of a loopback address of its own, counting knocks.
        var target = new IPAddress([127, 0, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255)]);
        using var listener = new TcpListener(target, Palisade.Cpe.Diagnostics.DiagnosticsRunner.FallbackPort);
        listener.Start();
        var knocks = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                Interlocked.Increment(ref knocks);
            }
        });

        await using var agent = NewAgent(_server, "DIAG05", o => o.Icmp = false);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ping = await RunAsync(agent, $$"""{"name":"ipPing","host":"{{target}}","numberOfRepetitions":3,"timeout":2000}""");
        var window = clock.Elapsed.TotalMilliseconds;
        Assert.Equal("tcp-connect", ping.GetProperty("x_PALISADE_Method").GetString());
        Assert.Equal(3, ping.GetProperty("successCount").GetInt32());
        await EventuallyAsync(() => Task.FromResult(Volatile.Read(ref knocks) == 3), "three connections at the target");
        AssertRoundTrips(ping, 3, window);

        clock.Restart();
        var trace = await RunAsync(agent, $$"""{"name":"traceRoute","host":"{{target}}","numberOfTries":2}""");
        window = clock.Elapsed.TotalMilliseconds;
        Assert.Equal("tcp-connect", trace.GetProperty("x_PALISADE_Method").GetString());
        var hop = Assert.Single(trace.GetProperty("routeHops").EnumerateArray());
        Assert.Equal(target.ToString(), hop.GetProperty("hostAddress").GetString());
        AssertTries(hop, 2, window);
        await EventuallyAsync(() => Task.FromResult(Volatile.Read(ref knocks) == 5), "two more connections at the target");
        await stop.CancelAsync();
        listener.Stop();
        await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_tr098_device_runs_ping_under_InternetGatewayDevice_and_refuses_udp_echo_with_a_reason()
    {
        var bootstrap = _server.Host.Facts.Bootstrap!;
        var options = new Palisade.Cpe.Agent.AgentOptions { AcsUrl = _server.Url, Username = bootstrap.Username, Password = bootstrap.Password };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        var template = Palisade.Cpe.Model.DeviceTemplate.Build(Palisade.Cpe.Model.DeviceProfile.Gateway("tr098"));
        await using var agent = new Palisade.Cpe.Agent.CpeAgent(new Palisade.Cpe.Model.CpeDataModel(template, new Palisade.Cpe.Model.DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", "DIAG098", "SIM-GW 1000", "rev-A")), options);
        var ping = await RunAsync(agent, """{"name":"ipPing","host":"127.0.0.1","numberOfRepetitions":2}""");
        Assert.Equal(2, ping.GetProperty("successCount").GetInt32());
        Assert.Equal("Complete", agent.Diagnostics.Get(["InternetGatewayDevice.IPPingDiagnostics.DiagnosticsState"]).Single().Value.Text);

        var udp = await QueueAsync(_server, agent, """{"name":"udpEcho","host":"127.0.0.1","port":7}""");
        await SessionOkAsync(agent);
        var faulted = await TaskAsync(_server, udp);
        Assert.Equal(DeviceTaskStatus.Faulted, faulted.Status);
        Assert.Contains("no object in this device's data model (InternetGatewayDevice.)", faulted.Fault!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_over_255_characters_ends_the_diagnostic_as_unresolvable_instead_of_hanging()
    {
        await using var agent = NewAgent(_server, "DIAG06");
        var failed = await RunFailingAsync(agent, $$"""{"name":"ipPing","host":"{{new string('a', 300)}}.example"}""");
        Assert.Contains("Error_CannotResolveHostName", failed.Fault!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_over_the_agents_bound_ends_at_once_with_an_error_and_sends_nothing()
    {
        await using var agent = NewAgent(_server, "DIAG07");
        var uploaded = Interlocked.Read(ref _uploaded);
        var failed = await RunFailingAsync(agent, $$"""{"name":"uploadDiagnostics","uploadURL":"{{_web.Url}}up.bin","testFileLength":4294967295}""");
        Assert.Contains("Error_Other", failed.Fault!.Message, StringComparison.Ordinal);
        Assert.Contains("1 GiB", failed.Fault.Detail ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(uploaded, Interlocked.Read(ref _uploaded));
    }

    [Fact]
    public async Task A_diagnostic_that_would_run_for_hours_is_cut_off_after_ten_minutes_and_still_reported()
    {
        // A UDP echo target that never answers, with an hour's timeout: only the agent's own bound ends it.
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var bootstrap = _server.Host.Facts.Bootstrap!;
        var options = new Palisade.Cpe.Agent.AgentOptions { AcsUrl = _server.Url, Username = bootstrap.Username, Password = bootstrap.Password };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        await using var agent = new Palisade.Cpe.Agent.CpeAgent(new Palisade.Cpe.Model.CpeDataModel(Gateway, new Palisade.Cpe.Model.DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", "DIAG08", "SIM-GW 1000", "rev-A")), options, time);
        await SessionOkAsync(agent);
        var port = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
        var task = await QueueAsync(_server, agent, $$"""{"name":"udpEcho","host":"127.0.0.1","port":{{port}},"numberOfRepetitions":1,"timeout":3600000}""");
        await SessionOkAsync(agent);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await silent.ReceiveAsync(wait.Token);
        time.Advance(Palisade.Cpe.Agent.CpeAgent.MaxDiagnosticTime + TimeSpan.FromSeconds(1));
        await EventuallyAsync(() => Task.FromResult(agent.PendingEvents.Any(e => e.EventCode == EventCodes.DiagnosticsComplete)), "the diagnostic's end");
        await SessionOkAsync(agent);
        var faulted = await TaskAsync(_server, task);
        Assert.Equal(DeviceTaskStatus.Faulted, faulted.Status);
        Assert.Contains("Error_Other", faulted.Fault!.Message, StringComparison.Ordinal);
        Assert.Contains("ten-minute", faulted.Fault.Detail ?? string.Empty, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("unforeseen")]
    public async Task A_diagnostic_that_fails_unexpectedly_ends_in_error_internal_with_a_log_line(string failure)
    {
        // An HttpClient timeout (a cancellation that is not the agent's bound) or any exception nobody listed: before,
        // it escaped into a task nobody observed and the diagnostic stayed Requested for ever.
        var logs = new LogSink();
        var bootstrap = _server.Host.Facts.Bootstrap!;
        var options = new Palisade.Cpe.Agent.AgentOptions { AcsUrl = _server.Url, Username = bootstrap.Username, Password = bootstrap.Password };
        options.TrustedCas.AddRange(_server.Host.Facts.ClientCertificateAnchors);
        var serial = failure == "timeout" ? "DIAG10" : "DIAG11";
        await using var agent = new Palisade.Cpe.Agent.CpeAgent(new Palisade.Cpe.Model.CpeDataModel(Gateway, new Palisade.Cpe.Model.DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", serial, "SIM-GW 1000", "rev-A")), options, null, logs.CreateLogger("Palisade.Cpe"));
        Exception thrown = failure == "timeout" ? new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout") : new NotSupportedException("a failure nobody foresaw");
        agent.MeasureOverride = async (_, _) =>
        {
            await Task.Yield();
            throw thrown;
        };

        var failed = await RunFailingAsync(agent, """{"name":"ipPing","host":"127.0.0.1"}""");

        Assert.Contains("Error_Internal", failed.Fault!.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected " + thrown.GetType().Name, failed.Fault.Detail ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal("Error_Internal", agent.Diagnostics.Get(["Device.IP.Diagnostics.IPPing.DiagnosticsState"]).Single().Value.Text);
        Assert.Contains(logs.Lines, l => l.StartsWith("Error ", StringComparison.Ordinal) && l.Contains(serial, StringComparison.Ordinal) && l.Contains(thrown.GetType().Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_set_that_faults_on_a_diagnostics_value_changes_nothing_else()
    {
        await using var agent = NewAgent(_server, "DIAG09");
        await SessionOkAsync(agent);
        var before = agent.Model.Get("Device.WiFi.SSID.1.SSID");
        var task = await QueueAsync(_server, agent, """{"name":"setParameterValues","parameterValues":[["Device.WiFi.SSID.1.SSID","half-applied","xsd:string"],["Device.IP.Diagnostics.IPPing.DiagnosticsState","None","xsd:string"]]}""");
        await SessionOkAsync(agent);
        var faulted = await TaskAsync(_server, task);
        Assert.Equal(DeviceTaskStatus.Faulted, faulted.Status);
        Assert.Equal(before, agent.Model.Get("Device.WiFi.SSID.1.SSID"));
    }

    // A diagnostic that ends in an Error_ state: the task is faulted with it.
    private async Task<DeviceTask> RunFailingAsync(Palisade.Cpe.Agent.CpeAgent agent, string json)
    {
        await SessionOkAsync(agent);
        var task = await QueueAsync(_server, agent, json);
        await SessionOkAsync(agent);
        await EventuallyAsync(() => Task.FromResult(agent.PendingEvents.Any(e => e.EventCode == EventCodes.DiagnosticsComplete)), "the diagnostic", 30);
        await SessionOkAsync(agent);
        var failed = await TaskAsync(_server, task);
        Assert.Equal(DeviceTaskStatus.Faulted, failed.Status);
        return failed;
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

    // A ping's figures for `count` answered echoes, measured while this test waited `window` ms for the whole task: each
    // a real round trip (at least a microsecond: a time never taken reads 0) and all of them inside the window; minimum,
    // average and maximum in that order (an average that summed would pass the maximum); and each millisecond figure
    // the microsecond one rounded (a detailed figure in the wrong unit is 1000 times off).
    private static void AssertRoundTrips(JsonElement ping, int count, double window)
    {
        long Detailed(string name) => ping.GetProperty(name + "ResponseTimeDetailed").GetInt64();
        var (min, avg, max) = (Detailed("minimum"), Detailed("average"), Detailed("maximum"));
        Assert.True(min >= 1 && min <= avg && avg <= max, $"1 µs ≤ minimum {min} µs ≤ average {avg} µs ≤ maximum {max} µs");
        Assert.True(count * avg / 1000.0 <= window, $"{count} × the average {avg} µs inside the {window} ms the run took");
        foreach (var name in new[] { "minimum", "average", "maximum" })
        {
            Assert.InRange((ping.GetProperty(name + "ResponseTime").GetInt64() * 1000) - Detailed(name), -500, 500);
        }
    }

    // A route hop answered every one of `tries` tries, each inside the `window` ms the test waited for the task.
    private static void AssertTries(JsonElement hop, int tries, double window)
    {
        var times = hop.GetProperty("rtTimes").GetString()!.Split(',').Select(t => long.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(tries, times.Count);
        Assert.True(times.Sum() <= window, $"round trips {string.Join(",", times)} ms inside the {window} ms the run took");
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
