using System.Net;
using Palisade.Acs.Access;
using Palisade.Cpe.Agent;
using Palisade.Cpe.ConnectionRequests;
using Palisade.Cpe.Model;
using Palisade.Testing;

namespace Palisade.Tests;

/// <summary>`palisade task ID ping HOST`: queued with a connection request, waited for, printed (issue 23, item 4).</summary>
public sealed class DiagnosticsCliTests
{
    [Fact]
    public async Task A_ping_from_the_command_line_waits_for_the_device_and_prints_the_result()
    {
        await using var server = await TestServer.StartAsync();
        await using var listener = await ConnectionRequestServer.StartAsync(IPAddress.Loopback, 0);
        var bootstrap = server.Host.Facts.Bootstrap!;
        var options = new AgentOptions { AcsUrl = server.Url, Username = bootstrap.Username, Password = bootstrap.Password, PeriodicInterval = TimeSpan.FromHours(1) };
        options.TrustedCas.AddRange(server.Host.Facts.ClientCertificateAnchors);
        await using var agent = new CpeAgent(new CpeDataModel(DeviceTemplate.Build(DeviceProfile.Gateway()), new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", "CLIPING1", "SIM-GW 1000", "rev-A")), options);
        listener.Register(agent);
        using var stop = new CancellationTokenSource();
        var running = agent.RunAsync(stop.Token);
        var id = new Acs.Devices.DeviceId("00D09E", "SIM-GW", "CLIPING1");
        await Eventually.HoldsAsync(async () => (await server.Host.Store.GetDeviceAsync(id, CancellationToken.None))?.ConnectionRequest?.Password is not null,
            "the device's enrollment", TimeSpan.FromSeconds(60));

        var (token, record) = ApiKeys.Create("cli-operator", Roles.Operator, null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await server.Host.Store.CreateKeyAsync(record, CancellationToken.None);
        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(90), "task", id.ToString(), "ping", "127.0.0.1", "--timeout", "60",
            "--url", server.Host.Facts.ApiUrl!, "--key", token, "--ca", Path.Combine(server.DataDirectory, "pki", "ca.crt"));
        Assert.True(code == 0, output);
        Assert.Contains("\"status\": \"done\"", output, StringComparison.Ordinal);
        Assert.Contains("\"successCount\": 3", output, StringComparison.Ordinal);
        Assert.Contains("\"host\": \"127.0.0.1\"", output, StringComparison.Ordinal);

        var (usage, text) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "task", id.ToString(), "reboot", "extra",
            "--url", server.Host.Facts.ApiUrl!, "--key", token);
        Assert.Equal(2, usage);
        Assert.Contains("takes no arguments", text, StringComparison.Ordinal);
        await stop.CancelAsync();
        await running.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
