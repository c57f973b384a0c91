using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>GenieACS's stock presets and provisions, unchanged, against simulated TR-098 and TR-181 gateways.</summary>
public sealed class StockProvisionTests
{
    [Fact]
    public async Task On_a_TR098_bootstrap_they_list_and_read_the_tree_set_the_inform_values_then_cost_nothing()
    {
        await using var harness = new ProvisioningHarness(new MemoryProvisioning().WithStock());
        var cpe = harness.Cpe("tr098-1", "tr098");

        var first = SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP", "1 BOOT"));

        var listed = first.OfType<GetParameterNamesRequest>().Select(g => g.ParameterPath).ToList();
        Assert.Contains("InternetGatewayDevice.WANDevice.", listed);
        Assert.Contains("InternetGatewayDevice.LANDevice.", listed);
        Assert.Contains("InternetGatewayDevice.ManagementServer.", listed);
        Assert.All(listed, p => Assert.StartsWith("InternetGatewayDevice.", p, StringComparison.Ordinal));
        var read = first.OfType<GetParameterValuesRequest>().SelectMany(g => g.ParameterNames).ToList();
        Assert.Contains("InternetGatewayDevice.LANDevice.1.WLANConfiguration.2.SSID", read);
        Assert.Contains("InternetGatewayDevice.LANDevice.1.Hosts.Host.3.MACAddress", read);
        Assert.Contains("InternetGatewayDevice.ManagementServer.PeriodicInformInterval", read);
        Assert.Equal(read.Count, read.Distinct().Count());

        var set = first.OfType<SetParameterValuesRequest>().SelectMany(s => s.ParameterList).ToDictionary(p => p.Name, p => p.Value.Text);
        Assert.Equal("300", set["InternetGatewayDevice.ManagementServer.PeriodicInformInterval"]);
        Assert.Equal("true", set["InternetGatewayDevice.ManagementServer.PeriodicInformEnable"]);
        Assert.Equal(cpe.Cpe.Id.ToString(), set["InternetGatewayDevice.ManagementServer.ConnectionRequestUsername"]);
        Assert.DoesNotContain(first, m => m is GetParameterNamesRequest g && g.ParameterPath.StartsWith("Device.", StringComparison.Ordinal));

        // Ten minutes later everything declared is fresh: not one RPC.
        harness.Engine.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(await cpe.SessionAsync());
    }

    [Fact]
    public async Task A_session_whose_declared_data_is_fresh_reads_only_the_declared_subtrees_from_the_store()
    {
        var reads = new List<string?>();
        await using var harness = new ProvisioningHarness(new MemoryProvisioning().WithStock(), registry: store => RegistryReads.Wrap(store, reads));
        var cpe = harness.Cpe("tr098-3", "tr098");
        await cpe.SessionAsync("0 BOOTSTRAP", "1 BOOT");

        harness.Engine.Time.Advance(TimeSpan.FromMinutes(10));
        reads.Clear();
        Assert.Empty(await cpe.SessionAsync());

        // Not the whole tree (hundreds of parameters): the subtrees the stock provisions declare.
        Assert.DoesNotContain(null, reads);
        Assert.Contains("InternetGatewayDevice.LANDevice.", reads);
        Assert.Contains("InternetGatewayDevice.WANDevice.", reads);
        Assert.DoesNotContain("InternetGatewayDevice.", reads);
    }

    [Fact]
    public async Task On_a_TR181_device_they_leave_the_TR098_paths_alone()
    {
        await using var harness = new ProvisioningHarness(new MemoryProvisioning().WithStock());
        var cpe = harness.Cpe("tr181-1", "tr181");

        var first = SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP", "1 BOOT"));

        Assert.DoesNotContain(first, m => m is GetParameterNamesRequest g && g.ParameterPath.StartsWith("InternetGatewayDevice", StringComparison.Ordinal));
        Assert.Equal(["Device.ManagementServer."], first.OfType<GetParameterNamesRequest>().Select(g => g.ParameterPath));
        var set = first.OfType<SetParameterValuesRequest>().SelectMany(s => s.ParameterList).ToDictionary(p => p.Name, p => p.Value.Text);
        Assert.Equal("300", set["Device.ManagementServer.PeriodicInformInterval"]);
        Assert.Equal(cpe.Cpe.Id.ToString(), set["Device.ManagementServer.ConnectionRequestUsername"]);

        harness.Engine.Time.Advance(TimeSpan.FromHours(3));
        Assert.Empty(await cpe.SessionAsync());
    }

    [Fact]
    public async Task The_default_provision_refreshes_its_parameters_once_its_hour_has_passed()
    {
        await using var harness = new ProvisioningHarness(new MemoryProvisioning().WithStock());
        var cpe = harness.Cpe("tr098-2", "tr098");
        await cpe.SessionAsync("0 BOOTSTRAP", "1 BOOT");

        harness.Engine.Time.Advance(TimeSpan.FromMinutes(61));
        var later = await cpe.SessionAsync();

        var read = later.OfType<GetParameterValuesRequest>().SelectMany(g => g.ParameterNames).ToList();
        Assert.Contains("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID", read);
        Assert.DoesNotContain("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.KeyPassphrase", read);
        Assert.DoesNotContain(later, m => m is SetParameterValuesRequest);
    }
}
