using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Testing;

namespace Palisade.Tests;

/// <summary>
/// Simulated CPEs behind a real NAT (network namespaces, iptables MASQUERADE; issue 23): the ACS cannot open their
/// HTTP connection-request URL, but reaches them by UDP at the address its built-in STUN server learned.
/// </summary>
public sealed class NatTests
{
    [Fact]
    public async Task Cpes_behind_a_nat_are_reached_by_udp_at_the_address_stun_learned_while_http_cannot_get_through()
    {
        await using var nat = await NatNetwork.CreateAsync();
        await using var server = await StartServerAsync(nat);
        var stun = server.Host.Stun!.LocalEndPoint;
        using var sim = StartSim(nat, server, out var output,
            "--devices", "2", "--serial-prefix", "NAT", "--periodic", "3600",
            "--stun", $"{nat.HostAddress}:{stun.Port}", "--stun-keepalive", "2");
        try
        {
            var ids = new[] { new DeviceId("00D09E", "SIM-GW", "NAT000000"), new DeviceId("00D09E", "SIM-GW", "NAT000001") };

            // Each device came through the NAT, bound through STUN, and reported the NAT's mapping of its UDP listener.
            foreach (var id in ids)
            {
                await EventuallyAsync(() => BoundThroughNatAsync(server, nat, id), sim, output, $"{id}: a STUN binding at the NAT's address, reported as UDPConnectionRequestAddress");
                var cached = await server.Host.Store.GetParametersAsync(id, "Device.ManagementServer.", CancellationToken.None);
                Assert.Equal("true", cached.Single(p => p.Path == "Device.ManagementServer.NATDetected").Value);
            }

            // The HTTP connection-request URL the device reported is its private address: nothing gets through the NAT.
            var device = (await server.Host.Store.GetDeviceAsync(ids[0], CancellationToken.None))!;
            var url = new Uri(device.ConnectionRequest!.Url!);
            Assert.Equal(nat.CpeAddress.ToString(), url.Host);
            using (var tcp = new TcpClient())
            {
                using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                var refused = await Assert.ThrowsAnyAsync<SocketException>(async () => await tcp.ConnectAsync(url.Host, url.Port, connect.Token));
                Assert.Equal(SocketError.HostUnreachable, refused.SocketErrorCode);
            }

            // A task with a connection request: HTTP fails, the signed UDP request goes to the STUN-learned mapping, the
            // device opens a session at once (its periodic one is an hour away) and the task is done.
            var (token, record) = ApiKeys.Create("nat-operator", Roles.Operator, null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
            await server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
            using var http = new HttpClient(new SocketsHttpHandler { SslOptions = Palisade.Security.Pki.Certificates.ServerAuthentication(server.Host.Facts.ClientCertificateAnchors, insecure: false) });
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{server.Host.Facts.ApiUrl}/api/v1/devices/{Uri.EscapeDataString(ids[0].ToString())}/tasks?connection_request=true&timeout=300")
            {
                Content = new StringContent("""{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.SerialNumber"]}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            Assert.Equal("sent-udp", body["connectionRequest"]!["result"]!.GetValue<string>());
            Assert.Equal("done", body["status"]!.GetValue<string>());

            // Answered when the session committed the task, not at the end of the wait (that session may end before the
            // connection request's repeats are sent: the wait must begin before it). The wait is 300 s; the request,
            // the session and its commit take seconds even on a loaded machine: 90 s tells the two apart with room.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"answered after {clock.Elapsed}");
            Assert.Contains("NAT000000", body["result"]!.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(1, server.Host.ConnectionRequester.UdpSent);
            Assert.Equal(0, server.Host.ConnectionRequester.Reached);
        }
        finally
        {
            sim.Kill(entireProcessTree: true);
            await sim.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task The_acs_switches_nat_reach_on_for_a_cpe_started_without_stun_by_setting_its_stun_parameters()
    {
        await using var nat = await NatNetwork.CreateAsync();
        await using var server = await StartServerAsync(nat);
        var stun = server.Host.Stun!.LocalEndPoint;

        // No --stun: the device listens for UDP connection requests and informs every 5 s until the ACS says otherwise.
        using var sim = StartSim(nat, server, out var output, "--devices", "1", "--serial-prefix", "NATSET", "--periodic", "5", "--udp-connection-requests");
        try
        {
            var id = new DeviceId("00D09E", "SIM-GW", "NATSET000000");
            await EventuallyAsync(async () =>
                (await server.Host.Store.GetDeviceAsync(id, CancellationToken.None))?.ConnectionRequest?.UdpAddress?.StartsWith(nat.CpeAddress + ":", StringComparison.Ordinal) == true,
                sim, output, "the device's private UDP connection-request address");
            Assert.Null(server.Host.ConnectionRequester.StunBindings.Find(id));

            // The ACS turns STUN on (its own STUN server, a keep-alive of at most 5 s for the NAT) and sets an hourly inform.
            var ms = "Device.ManagementServer.";
            var definition = Palisade.Acs.Tasks.TaskJson.Parse($$"""
                {"name":"setParameterValues","parameterValues":[["{{ms}}STUNEnable","1","xsd:boolean"],["{{ms}}STUNServerAddress","{{nat.HostAddress}}","xsd:string"],
                 ["{{ms}}STUNServerPort","{{stun.Port}}","xsd:unsignedInt"],["{{ms}}STUNMaximumKeepAlivePeriod","5","xsd:int"],["{{ms}}PeriodicInformInterval","3600","xsd:unsignedInt"]]}
                """);
            var task = await server.Host.Store.AddTaskAsync(id, new Palisade.Acs.Storage.NewTask(definition.Name, Palisade.Acs.Tasks.TaskJson.Serialize(definition), DateTimeOffset.UtcNow, null), CancellationToken.None);
            await EventuallyAsync(async () => (await server.Host.Store.GetTaskAsync(task.Id, CancellationToken.None))!.Status == Palisade.Acs.Storage.DeviceTaskStatus.Done, sim, output, "the STUN settings set");

            // After that session the device binds through the NAT and reports the mapping.
            await EventuallyAsync(() => BoundThroughNatAsync(server, nat, id), sim, output, "a STUN binding at the NAT's address, reported as UDPConnectionRequestAddress");

            // The periodic session scheduled before the change (5 s after the one that set it) is the last one before an hour.
            var doneAt = (await server.Host.Store.GetTaskAsync(task.Id, CancellationToken.None))!.UpdatedAt!.Value;
            await EventuallyAsync(async () => (await server.Host.Store.GetDeviceAsync(id, CancellationToken.None))!.LastInformAt >= doneAt.AddSeconds(4), sim, output, "the last 5-second periodic session");

            // Reachable now: the UDP connection request gets through the NAT, and the device opens a session for it.
            var device = (await server.Host.Store.GetDeviceAsync(id, CancellationToken.None))!;
            Assert.DoesNotContain("6 CONNECTION REQUEST", device.LastEvents, StringComparison.Ordinal);
            var outcome = await server.Host.ConnectionRequester.RequestAsync(device, CancellationToken.None);
            Assert.Equal(Palisade.Acs.ConnectionRequests.ConnectionRequestResult.SentUdp, outcome.Result);
            await EventuallyAsync(
                async () => (await server.Host.Store.GetDeviceAsync(id, CancellationToken.None))!.LastEvents.Contains("6 CONNECTION REQUEST", StringComparison.Ordinal),
                sim, output, "the session the UDP connection request asked for");
        }
        finally
        {
            sim.Kill(entireProcessTree: true);
            await sim.WaitForExitAsync();
        }
    }

    // The server listens on the host's side of the NAT; the API stays on loopback; its STUN server takes a free port.
    private static Task<TestServer> StartServerAsync(NatNetwork nat) =>
        TestServer.StartAsync(o =>
        {
            o.Listen.Clear();
            o.Listen.Add(nat.HostAddress);
            o.Hostnames.Add(nat.HostAddress.ToString());
            o.Hostnames.Add("127.0.0.1");
            o.StunPort = 0;
            o.ConnectionRequestTargets.AllowedNetworks.Add(nat.WanNetwork);
            o.ConnectionRequestTargets.AllowedNetworks.Add(nat.LanNetwork);
        });

    // `palisade sim` in the LAN namespace, against the server through the NAT, for 240 s; its output is kept for failures.
    private static System.Diagnostics.Process StartSim(NatNetwork nat, TestServer server, out System.Text.StringBuilder output, params string[] args)
    {
        var acsUrl = new UriBuilder(server.Url) { Host = nat.HostAddress.ToString() }.Uri;
        var sim = CliProcess.StartIn(nat.LanNamespace,
        [
            "sim", "--acs", acsUrl.ToString(), "--ca", Path.Combine(server.DataDirectory, "pki", "ca.crt"),
            "--bootstrap-credential-file", Path.Combine(server.DataDirectory, "bootstrap-credential"),
            "--ramp", "0", "--duration", "240", "--connection-requests", nat.CpeAddress.ToString(), .. args,
        ]);
        var said = output = new System.Text.StringBuilder();
        sim.OutputDataReceived += (_, e) => { lock (said) { said.AppendLine(e.Data); } };
        sim.ErrorDataReceived += (_, e) => { lock (said) { said.AppendLine(e.Data); } };
        sim.BeginOutputReadLine();
        sim.BeginErrorReadLine();
        return sim;
    }

    // The device's STUN binding is at the NAT's public address, and the device reported that mapping to the ACS.
    private static async Task<bool> BoundThroughNatAsync(TestServer server, NatNetwork nat, DeviceId id) =>
        server.Host.ConnectionRequester.StunBindings.Find(id) is { } binding && binding.Address.Address.Equals(nat.RouterWanAddress)
        && (await server.Host.Store.GetDeviceAsync(id, CancellationToken.None))?.ConnectionRequest?.UdpAddress == binding.Address.ToString();

    // Polls the real clock: the CPEs are another process, behind a real NAT. A simulator that exited ends the wait at once.
    private static Task EventuallyAsync(Func<Task<bool>> done, System.Diagnostics.Process sim, System.Text.StringBuilder output, string what) =>
        Eventually.HoldsAsync(
            async () => sim.HasExited ? throw new InvalidOperationException(what + ": the simulator exited with " + sim.ExitCode.ToString(CultureInfo.InvariantCulture) + ": " + Log(output)) : await done(),
            what,
            TimeSpan.FromSeconds(120),
            TimeSpan.FromMilliseconds(200),
            () => "the simulator is running and said: " + Log(output));

    private static string Log(System.Text.StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
