using Palisade.Testing;

namespace Palisade.Tests;

/// <summary>The CLI over the API, and the offline key and audit-log commands.</summary>
public sealed class ApiCliTests
{
    [Fact]
    public async Task Keys_minted_offline_work_against_the_api_and_the_audit_log_verifies()
    {
        await using var server = await TestServer.StartAsync();
        var data = server.DataDirectory;
        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "keys", "create", "--data", data, "--name", "ops-laptop", "--role", "operator");
        Assert.True(code == 0, output);
        var token = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("pal_", StringComparison.Ordinal));

        // The device list, through the CLI, with the key from the environment.
        var list = await RunWithEnvAsync(server, token, "devices", "list");
        Assert.True(list.ExitCode == 0, list.Output);
        Assert.Contains("0 matching", list.Output, StringComparison.Ordinal);

        var refused = await RunWithEnvAsync(server, "pal_0123456789abcdef_" + new string('x', 43), "devices", "list");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("401", refused.Output, StringComparison.Ordinal);

        var (verifyCode, verifyOutput) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "audit-log", "verify", "--data", data);
        Assert.True(verifyCode == 0, verifyOutput);
        Assert.Contains("intact", verifyOutput, StringComparison.Ordinal);

        // The checkpoint it prints is checked when handed back; a malformed one is a usage error.
        var checkpoint = verifyOutput.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("checkpoint: ", StringComparison.Ordinal))["checkpoint: ".Length..];
        var again = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "audit-log", "verify", "--data", data, "--expect", checkpoint);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("as recorded", again.Output, StringComparison.Ordinal);
        var later = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "audit-log", "verify", "--data", data, "--expect", "999999:" + new string('0', 64));
        Assert.Equal(1, later.ExitCode);
        Assert.Contains("cut off", later.Output, StringComparison.Ordinal);
        var malformed = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "audit-log", "verify", "--data", data, "--expect", "latest");
        Assert.Equal(2, malformed.ExitCode);

        var bad = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "keys", "create", "--data", data, "--name", "x", "--role", "root");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("unknown role", bad.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunWithEnvAsync(TestServer server, string key, params string[] args)
    {
        var all = args.Concat(["--url", server.Host.Facts.ApiUrl!, "--key", key, "--ca", Path.Combine(server.DataDirectory, "pki", "ca.crt")]).ToArray();
        return await CliProcess.RunAsync(TimeSpan.FromSeconds(60), all);
    }
}
