using System.Security.Cryptography;
using Palisade.Acs.Campaigns;
using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Testing;

namespace Palisade.Tests;

/// <summary><c>palisade campaigns</c> over the API: create from the shell, and what <c>show</c> and <c>list</c> print (issue 21).</summary>
public sealed class CampaignsCliTests
{
    [Fact]
    public async Task Show_prints_the_state_the_progress_and_why_a_campaign_halted()
    {
        await using var server = await TestServer.StartAsync();
        await server.Host.Files!.Service.AddAsync(new Acs.Access.Caller("test", Acs.Access.Roles.Admin, null, null),
            new Acs.Files.NewFile("fw-2.1.0.bin", "1 Firmware Upgrade Image", "2.1.0", null, null, null), new MemoryStream(RandomNumberGenerator.GetBytes(1000)), CancellationToken.None);
        for (var n = 1; n <= 3; n++)
        {
            await server.Host.Store.CommitSessionAsync(new SessionChanges(new Device
            {
                Id = new DeviceId("00D09E", "HGW", $"CLI{n:D4}"),
                RegisteredAt = DateTimeOffset.UtcNow,
                LastInformAt = DateTimeOffset.UtcNow,
                LastEvents = "2 PERIODIC",
                Transport = "https",
                AuthMethod = AuthMethods.DigestSha256,
                Credentials = new DeviceCredentials("u", [1], [2], true, null),
            }), CancellationToken.None);
        }

        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "keys", "create", "--data", server.DataDirectory, "--name", "ops", "--role", "admin");
        Assert.True(code == 0, output);
        var key = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("pal_", StringComparison.Ordinal));

        var created = await RunAsync(server, key, "campaigns", "create", "--name", "hgw 2.1.0", "--file", "fw-2.1.0.bin", "--stages", "1:30,100%", "--max-failures", "0", "--draft");
        Assert.True(created.ExitCode == 0, created.Output);
        Assert.Contains("state: draft, stage 1 of 2", created.Output, StringComparison.Ordinal);
        var id = (await server.Host.Store.ListCampaignsAsync(null, 10, CancellationToken.None)).Single().Id;

        await server.Host.Store.SetCampaignStateAsync(id, CampaignState.Draft, CampaignState.Halted, "stage 1: 1 failures, more than the 0 allowed", DateTimeOffset.UtcNow, CancellationToken.None);
        var show = await RunAsync(server, key, "campaigns", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(show.ExitCode == 0, show.Output);
        Assert.Contains($"campaign {id} \"hgw 2.1.0\": fw-2.1.0.bin (version 2.1.0)", show.Output, StringComparison.Ordinal);
        Assert.Contains("state: halted, stage 1 of 2", show.Output, StringComparison.Ordinal);
        Assert.Contains("halted because stage 1: 1 failures, more than the 0 allowed", show.Output, StringComparison.Ordinal);
        Assert.Contains("targeted 3, pending 3, in progress 0, succeeded 0, failed 0", show.Output, StringComparison.Ordinal);

        var list = await RunAsync(server, key, "campaigns", "list");
        Assert.Contains("hgw 2.1.0", list.Output, StringComparison.Ordinal);
        var aborted = await RunAsync(server, key, "campaigns", "abort", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("state: aborted", aborted.Output, StringComparison.Ordinal);
        var refused = await RunAsync(server, key, "campaigns", "resume", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("409", refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stages_that_are_not_finite_shares_or_whole_counts_are_refused_with_exit_code_2_and_nothing_is_created()
    {
        await using var server = await TestServer.StartAsync();
        var (key, record) = Acs.Access.ApiKeys.Create("cli-admin", Acs.Access.Roles.Admin, null, DateTimeOffset.UtcNow.AddMinutes(-1), null, "test");
        await server.Host.Store.CreateKeyAsync(record, CancellationToken.None);

        foreach (var (option, value) in new[]
        {
            ("--stages", "NaN%"), ("--stages", "Infinity%"), ("--stages", "-5%"), ("--stages", "150%"), ("--stages", "0%"),
            ("--stages", "0"), ("--stages", "1%:NaN"), ("--stages", "1%:-5"), ("--stages", "1e400%"), ("--max-failure-percent", "NaN"),
        })
        {
            var refused = await RunAsync(server, key, "campaigns", "create", "--name", "bad", "--file", "fw.bin", option, value);
            Assert.True(refused.ExitCode == 2, $"{option} {value}: exit {refused.ExitCode}\n{refused.Output}");
            Assert.Contains(option, refused.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", refused.Output, StringComparison.Ordinal);
        }

        Assert.Empty(await server.Host.Store.ListCampaignsAsync(null, 10, CancellationToken.None));
    }

    private static Task<(int ExitCode, string Output)> RunAsync(TestServer server, string key, params string[] args) =>
        CliProcess.RunAsync(TimeSpan.FromSeconds(60), [.. args, "--url", server.Host.Facts.ApiUrl!, "--key", key, "--ca", Path.Combine(server.DataDirectory, "pki", "ca.crt")]);
}
