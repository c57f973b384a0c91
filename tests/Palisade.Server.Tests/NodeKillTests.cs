using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;
using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>
/// kill -9 of a real <c>palisade serve</c> process in the middle of a burst of sessions with tasks queued: the devices'
/// next sessions go to the other node once the dead node's leases ran out (at most the session timeout), and every
/// task ends done, none lost, none run twice. Node A runs on the real clock (it is another process); node B reads a
/// fake one, set by the test to the moments that bound A's leases, so that no wait on a loaded machine can blur them.
/// </summary>
public sealed class NodeKillTests : IAsyncLifetime
{
    private const int Devices = 8;
    // Node B's clock is fake, so the timeout need not be short: 30 s (the default) also keeps node A, on the real
    // clock, from timing out an in-flight session itself while a loaded machine crawls through the burst.
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly string _database = "kill_" + Guid.NewGuid().ToString("N");
    private readonly string _dataA = Directory.CreateTempSubdirectory("palisade-kill-a-").FullName;
    private (string Url, string ConnectionString) _db;
    private Process _nodeA = null!;
    private Uri _urlA = null!;
    private TestServer _nodeB = null!;

    // Node B's clock: frozen at the real time the test started, until the test moves it past what node A did.
    private readonly FakeTimeProvider _clockB = new(DateTimeOffset.UtcNow);

    public async Task InitializeAsync()
    {
        _db = TestPostgres.CreateDatabase(_database);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "palisade.dll"), "serve", "--data", _dataA, "--db", _db.Url, "--cwmp-port", "0", "--api-port", "-1", "--session-timeout", "30" })
        {
            info.ArgumentList.Add(arg);
        }

        _nodeA = Process.Start(info)!;
        _ = _nodeA.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await _nodeA.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("palisade: listening cwmp=", StringComparison.Ordinal))
            {
                _urlA = new Uri(line["palisade: listening cwmp=".Length..].Split(' ')[0]);
                break;
            }
        }

        Assert.NotNull(_urlA);
        _ = _nodeA.StandardOutput.ReadToEndAsync();
        var dataB = Directory.CreateTempSubdirectory("palisade-kill-b-").FullName;
        foreach (var shared in new[] { "store.key", "bootstrap-credential" })
        {
            File.Copy(Path.Combine(_dataA, shared), Path.Combine(dataB, shared));
        }

        Directory.CreateDirectory(Path.Combine(dataB, "pki"));
        foreach (var file in Directory.GetFiles(Path.Combine(_dataA, "pki")))
        {
            File.Copy(file, Path.Combine(dataB, "pki", Path.GetFileName(file)));
        }

        _nodeB = await TestServer.StartAsync(o => o.Sessions.SessionTimeout = o.Sessions.UnenrolledSessionTimeout = SessionTimeout, dataB, _clockB, openStore: TestPostgres.OpenStore(_db.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        if (!_nodeA.HasExited)
        {
            _nodeA.Kill(entireProcessTree: true);
        }

        await _nodeA.WaitForExitAsync();
        _nodeA.Dispose();
        await _nodeB.DisposeAsync();
        TestPostgres.DropDatabase(_database);
        Directory.Delete(_dataA, recursive: true);
    }

    [Fact]
    public async Task After_a_kill_9_mid_burst_the_other_node_serves_every_device_within_the_session_timeout_and_every_task_runs_once()
    {
        var ca = Path.Combine(_dataA, "pki", "ca.crt");
        var bootstrap = (await File.ReadAllTextAsync(Path.Combine(_dataA, "bootstrap-credential"))).Trim().Split(':', 2);
        var onA = new List<TestCpe>();
        var onB = new List<TestCpe>();
        try
        {
            // Enrolled through node A; one task queued for each device.
            var tasks = new List<long>();
            for (var i = 0; i < Devices; i++)
            {
                var cpe = new TestCpe(null, $"SN-KILL{i}", bootstrap[0], bootstrap[1], url: _urlA, trust: ca);
                onA.Add(cpe);
                await cpe.RunSessionAsync(null, "0 BOOTSTRAP", "1 BOOT").WaitAsync(Deadline);
                onB.Add(new TestCpe(_nodeB, cpe.Serial, cpe.Username, cpe.Password));
                var task = await _nodeB.Host.Store.AddTaskAsync(new DeviceId("00D09E", "HGW", cpe.Serial),
                    new NewTask("getParameterValues", """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.SoftwareVersion"]}""", DateTimeOffset.UtcNow, null), CancellationToken.None);
                tasks.Add(task.Id);
            }

            // The burst on node A: every device's task sent; half of them answered and committed, half still in flight.
            // Each in-flight device's lease was taken (or renewed) on A's real clock after the test read `informed`.
            DateTimeOffset? firstInFlight = null;
            for (var i = 0; i < Devices; i++)
            {
                var informed = DateTimeOffset.UtcNow;
                Assert.Equal(200, (await onA[i].SendInformAsync()).StatusCode);
                var rpc = await onA[i].EmptyPostAsync();
                var get = Assert.IsType<GetParameterValuesRequest>(rpc.Envelope!.Body);
                if (i % 2 == 0)
                {
                    Assert.Equal(204, (await onA[i].AnswerAsync(rpc, TestCpe.Default(get))).StatusCode);
                }
                else
                {
                    firstInFlight ??= informed;
                }
            }

            _nodeA.Kill(entireProcessTree: true);
            await _nodeA.WaitForExitAsync();
            var killed = DateTimeOffset.UtcNow;

            // A millisecond before the earliest moment any of the dead node's leases can run out, node B refuses every
            // device that was in flight on A: the leases hold them (a node that ignored them would serve them).
            _clockB.SetUtcNow(firstInFlight!.Value + SessionTimeout - TimeSpan.FromMilliseconds(1));
            for (var i = 1; i < Devices; i += 2)
            {
                var refused = await onB[i].SendInformAsync();
                Assert.True(refused.StatusCode == 503, $"device {i}: {refused.StatusCode} while node A's lease held it");
                Assert.Contains("another node", refused.Text, StringComparison.Ordinal);
                onB[i].EndSession();
            }

            // At the latest moment they can run out (the session timeout after A died), node B serves every device at
            // its first Inform.
            _clockB.SetUtcNow(killed + SessionTimeout);
            var resent = new int[Devices];
            for (var i = 0; i < Devices; i++)
            {
                var reply = await onB[i].SendInformAsync();
                Assert.True(reply.StatusCode == 200, $"device {i}: {reply.StatusCode} a session timeout after node A died: {reply.Text}");
                for (reply = await onB[i].EmptyPostAsync(); !reply.EndsSession; reply = await onB[i].AnswerAsync(reply, TestCpe.Default(reply.Envelope!.Body!)))
                {
                    resent[i] += reply.Envelope!.Body is GetParameterValuesRequest ? 1 : 0;
                }

                onB[i].EndSession();
            }

            for (var i = 0; i < Devices; i++)
            {
                // Answered on A: committed there, not sent again. In flight on A: sent once more, on B.
                Assert.Equal(i % 2 == 0 ? 0 : 1, resent[i]);
                var task = (await _nodeB.Host.Store.GetTaskAsync(tasks[i], CancellationToken.None))!;
                Assert.Equal(DeviceTaskStatus.Done, task.Status);
            }
        }
        finally
        {
            onA.ForEach(c => c.Dispose());
            onB.ForEach(c => c.Dispose());
        }
    }
}
