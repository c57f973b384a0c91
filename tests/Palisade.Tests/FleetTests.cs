using System.Text.Json;
using Palisade.Testing;

namespace Palisade.Tests;

/// <summary>`palisade sim` against `palisade serve`, both for real.</summary>
public sealed class FleetTests
{
    [Fact]
    public async Task A_thousand_simulated_devices_complete_every_session_without_an_error()
    {
        // A first-boot wave of a thousand devices from one address, ten times what one source may leave unfinished
        // per minute: every device enrolls. The ACS may shed some with 503; they come back after their Retry-After
        // and back-off (both scaled down here so that the test takes seconds, not minutes).
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Sessions.RetryAfter = TimeSpan.FromSeconds(1);
            o.Sessions.RetryAfterJitter = TimeSpan.FromSeconds(2);
        });
        var (root, output) = await SimulateAsync(server, 1000,
            "--bootstrap-credential-file", Path.Combine(server.DataDirectory, "bootstrap-credential"),
            "--ramp", "10", "--periodic", "15", "--duration", "150", "--until-served", "--connection", "kept", "--retry-minimum-wait", "1");
        Assert.Equal(1000, root.GetProperty("devices").GetInt32());
        Assert.True(root.GetProperty("devicesServed").GetInt32() == 1000, output);
        Assert.Equal("kept", root.GetProperty("connection").GetString());
        Assert.True(root.GetProperty("errors").GetInt64() == 0, output);
        Assert.True(root.GetProperty("sessions").GetInt64() >= 1000, output);
        Assert.True(root.GetProperty("sessionsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("latencyMs").GetProperty("p99").GetDouble() > 0);
        Assert.Equal(1000, await server.Host.Store.CountDevicesAsync(CancellationToken.None));
        Assert.Equal(0, server.Host.Engine.Enrollment.Pending);
        Assert.Equal(0, server.Host.Engine.Counters.SessionsFailed.Value);
    }

    [Fact]
    public async Task Simulated_devices_with_certificates_from_the_servers_ca_need_no_credential()
    {
        await using var server = await TestServer.StartAsync();
        var (root, output) = await SimulateAsync(server, 20,
            "--client-certificates-from", Path.Combine(server.DataDirectory, "pki"),
            "--ramp", "2", "--periodic", "5", "--duration", "12");
        Assert.Equal("per-session", root.GetProperty("connection").GetString());
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
        Assert.True(root.GetProperty("sessions").GetInt64() >= 20, output);
        Assert.Equal(20, await server.Host.Store.CountDevicesAsync(CancellationToken.None));
        var first = await server.Host.Store.GetDeviceAsync(new Palisade.Acs.Devices.DeviceId("00D09E", "SIM-GW", "SIM000000"), CancellationToken.None);
        Assert.Equal(Palisade.Acs.Devices.AuthMethods.ClientCertificate, first!.AuthMethod);
        Assert.Equal(0, server.Host.Engine.Counters.AuthFailures.Value);
    }

    [Fact]
    public async Task A_cpe_agent_keeps_its_credentials_and_values_across_restarts()
    {
        await using var server = await TestServer.StartAsync();
        var dir = server.DataDirectory;
        var state = Path.Combine(dir, "cpe-state.json");
        var config = Path.Combine(dir, "cpe.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            acsUrl = server.Url.ToString(),
            passwordFile = Path.Combine(dir, "bootstrap-credential"),
            ca = new[] { Path.Combine(dir, "pki", "ca.crt") },
            serialNumber = "AGENT01",
            profile = "gateway",
            periodicSeconds = 1,
            stateFile = state,
        }));

        // Enrolled (new credentials saved) and one more session on them; waited for, not timed: a loaded machine
        // starts the process slowly.
        await RunUntilAsync(config, () => File.Exists(state) && server.Host.Engine.Counters.SessionsCompleted.Value >= 2);
        Assert.True(File.Exists(state));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state));
        var saved = await File.ReadAllTextAsync(state);
        Assert.DoesNotContain(server.Host.Facts.Bootstrap!.Password, saved, StringComparison.Ordinal);

        // Restarted, it authenticates with the credentials the ACS gave it (the bootstrap one would be refused).
        var informs = server.Host.Engine.Counters.SessionsCompleted.Value;
        await RunUntilAsync(config, () => server.Host.Engine.Counters.SessionsCompleted.Value > informs);
        Assert.True(server.Host.Engine.Counters.SessionsCompleted.Value > informs);
        Assert.Equal(0, server.Host.Engine.Counters.AuthFailures.Value);
    }

    // palisade sim against the server (its CA trusted), to completion; the JSON summary and the output.
    private static async Task<(JsonElement Summary, string Output)> SimulateAsync(TestServer server, int devices, params string[] options)
    {
        var json = Path.Combine(server.DataDirectory, "fleet.json");
        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(3),
            ["sim", "--acs", server.Url.ToString(), "--devices", devices.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--ca", Path.Combine(server.DataDirectory, "pki", "ca.crt"), .. options, "--json", json]);
        Assert.True(code == 0, output);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return (summary.RootElement.Clone(), output);
    }

    private static async Task RunUntilAsync(string config, Func<bool> done)
    {
        using var process = CliProcess.Start("cpe", "--config", config);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        try
        {
            // The simulator is a separate process on the real clock. One that exited ends the wait (the caller's asserts say why).
            await Eventually.HoldsAsync(() => done() || process.HasExited, "the simulator's sessions", TimeSpan.FromSeconds(90));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
