using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>commit() orders a channel's writes: those declared before it are sent before those declared after it.</summary>
public sealed class ScriptApiTests
{
    [Fact]
    public async Task Writes_declared_before_commit_are_sent_before_those_declared_after_it()
    {
        await using var harness = new ProvisioningHarness(new MemoryProvisioning().With("default", "ordered", """
            declare("InternetGatewayDevice.ManagementServer.PeriodicInformInterval", {value: 1}, {value: 600});
            commit();
            declare("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID", {value: 1}, {value: "after"});
            """));
        var cpe = harness.Cpe("commit-1", "tr098");

        var writes = SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP", "1 BOOT")).OfType<SetParameterValuesRequest>()
            .Select(s => string.Join(',', s.ParameterList.Select(p => p.Name + "=" + p.Value.Text))).ToList();

        Assert.Equal(
            ["InternetGatewayDevice.ManagementServer.PeriodicInformInterval=600", "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID=after"],
            writes.Where(w => !w.Contains("ConnectionRequest", StringComparison.Ordinal)));
    }
}
