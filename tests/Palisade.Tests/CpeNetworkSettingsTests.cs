using Palisade.Commands;

namespace Palisade.Tests;

/// <summary><c>palisade serve --cpe-network</c>: the allow-list of CPE networks for connection requests.</summary>
public sealed class CpeNetworkSettingsTests
{
    [Fact]
    public void No_network_is_allowed_explicitly_by_default()
    {
        Assert.Empty(new ServeSettings().ToOptions().ConnectionRequestTargets.AllowedNetworks);
    }

    [Fact]
    public void The_command_line_overrides_the_environment_which_overrides_the_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{"cpeNetworks": ["192.168.0.0/16"]}""");
            var fromFile = ServeSettings.FromFile(file);
            Assert.Equal(["192.168.0.0/16"], fromFile.ToOptions().ConnectionRequestTargets.AllowedNetworks);

            var fromEnvironment = fromFile.Overlay(ServeSettings.FromEnvironment(k => k == "PALISADE_CPE_NETWORKS" ? "10.64.0.0/10, 2001:db8::/32" : null));
            Assert.Equal(["10.64.0.0/10", "2001:db8::/32"], fromEnvironment.ToOptions().ConnectionRequestTargets.AllowedNetworks);

            var fromCommandLine = fromEnvironment.Overlay(new ServeSettings { CpeNetworks = ["100.64.0.0/10"] });
            Assert.Equal(["100.64.0.0/10"], fromCommandLine.ToOptions().ConnectionRequestTargets.AllowedNetworks);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_network_that_is_not_one_is_refused_at_start_with_its_text()
    {
        var options = new ServeSettings { CpeNetworks = ["10.0.0.0/8", "the-lab"] }.ToOptions();
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("the-lab", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_help_names_the_option()
    {
        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--cpe-network", output, StringComparison.Ordinal);
    }
}
