using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>
/// The examples of GenieACS's provisioning and virtual-parameter documentation, each with the RPCs it must produce,
/// against a simulated TR-098 gateway. Where an example names a path the gateway lacks (its <c>Device.LANDevice</c>
/// is a TR-098 path under the TR-181 root), the TR-098 root is used; everything else is verbatim.
/// </summary>
public sealed class DocExampleTests
{
    [Fact]
    public async Task Setting_the_SSID_from_the_serial_number_reads_the_serial_then_writes_the_SSID_once()
    {
        await using var harness = new ProvisioningHarness(new MemoryProvisioning().With("default", "ssid", """
            let serial = declare("InternetGatewayDevice.DeviceInfo.SerialNumber", {value: 1});
            declare("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID", null, {value: serial.value[0]});
            """));
        var cpe = harness.Cpe("ssid-1", "tr098");

        var seen = SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP"));

        Assert.Equal(
            ["GetParameterNames InternetGatewayDevice.DeviceInfo.", "GetParameterValues InternetGatewayDevice.DeviceInfo.SerialNumber", "GetParameterNames InternetGatewayDevice.LANDevice.", "SetParameterValues InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID=ssid-1"],
            seen.Select(Describe));
        Assert.Equal("ssid-1", cpe.Model.Get("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID"));
        Assert.Empty(await cpe.SessionAsync());
    }

    [Fact]
    public async Task Tags_are_added_removed_and_read_without_an_RPC()
    {
        await using var harness = new ProvisioningHarness(new MemoryProvisioning());
        var cpe = harness.Cpe("tags-1", "tr098");
        await cpe.SessionAsync("0 BOOTSTRAP");
        await harness.Engine.Store.SetTagAsync(cpe.Cpe.Id, "tag1", true, CancellationToken.None);
        harness.Source.With("default", "tags", """
            declare("Tags.tag1", null, {value: false});
            declare("Tags.tag2", null, {value: true});
            let tag3 = declare("Tags.tag3", {value: 1});
            if (tag3.size !== 0) throw new Error("tag3 should not exist");
            """);

        Assert.Empty(await cpe.SessionAsync());
        Assert.Equal(["tag2"], await harness.Engine.Store.GetTagsAsync(cpe.Cpe.Id, CancellationToken.None));
        Assert.Empty(await harness.Faults.GetAsync(cpe.Cpe.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Reboot_is_sent_unless_the_device_was_rebooted_in_the_last_five_minutes()
    {
        await using var harness = new ProvisioningHarness(new MemoryProvisioning().With("default", "reboot", """declare("Reboot", null, {value: Date.now() - (300 * 1000)});"""));
        var cpe = harness.Cpe("reboot-1", "tr098");

        Assert.Equal(["Reboot"], SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP")).Select(m => m.MethodName));
        harness.Engine.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await cpe.SessionAsync("1 BOOT"));
        harness.Engine.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(["Reboot"], (await cpe.SessionAsync()).Select(m => m.MethodName));
    }

    [Fact]
    public async Task FactoryReset_is_sent()
    {
        await using var harness = new ProvisioningHarness(new MemoryProvisioning().With("default", "reset", """declare("FactoryReset", null, {value: Date.now()});"""));
        var cpe = harness.Cpe("reset-1", "tr098");
        Assert.Equal(["FactoryReset"], SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP")).Select(m => m.MethodName));
    }

    [Fact]
    public async Task One_and_only_one_WANIPConnection_lists_the_table_and_adds_nothing_when_there_is_one()
    {
        const string Path = "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.*";
        await using var harness = new ProvisioningHarness(new MemoryProvisioning().With("default", "one", $$"""declare("{{Path}}", null, {path: 1});"""));
        var cpe = harness.Cpe("wan-1", "tr098");

        Assert.Equal(["GetParameterNames InternetGatewayDevice.WANDevice."], SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP")).Select(Describe));

        harness.Source.Provisions["one"] = $$"""declare("{{Path}}", null, {path: 2});""";
        var seen = await cpe.SessionAsync();
        Assert.Equal(["AddObject InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.", "GetParameterNames InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.2."], seen.Select(Describe));

        harness.Source.Provisions["one"] = $$"""declare("{{Path}}", null, {path: 1});""";
        Assert.Equal(["DeleteObject InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.2."], (await cpe.SessionAsync()).Select(Describe));
        Assert.Empty(await cpe.SessionAsync());
    }

    [Fact]
    public async Task An_alias_filter_with_a_count_adds_the_instance_with_its_keys_then_finds_it()
    {
        await using var harness = new ProvisioningHarness(new MemoryProvisioning().With("default", "alias", """
            declare("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.[Name:backup]", {path: 1}, {path: 1});
            declare("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.[Name:backup].Enable", null, {value: true});
            """));
        var cpe = harness.Cpe("alias-1", "tr098");

        var seen = SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP")).Select(Describe).ToList();

        Assert.Contains("AddObject InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.", seen);
        Assert.Contains("SetParameterValues InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.2.Name=backup", seen);
        Assert.Contains("SetParameterValues InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.2.Enable=true", seen);
        Assert.Single(seen, s => s.StartsWith("AddObject", StringComparison.Ordinal));
        Assert.Empty(await cpe.SessionAsync());
    }

    [Fact]
    public async Task The_unified_MAC_virtual_parameter_is_computed_and_cached()
    {
        var source = new MemoryProvisioning().With("default", "mac", """declare("VirtualParameters.MAC", {value: Date.now()});""");
        source.VirtualParameters["MAC"] = """
            let m = "00:00:00:00:00:00";
            let d = declare("Device.WANDevice.*.WANConnectionDevice.*.WANIPConnection.*.MACAddress", {value: Date.now()});
            let igd = declare("InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANIPConnection.*.MACAddress", {value: Date.now()});

            if (d.size) {
              for (let p of d) {
                if (p.value[0]) {
                  m = p.value[0];
                  break;
                }
              }
            }
            else if (igd.size) {
              for (let p of igd) {
                if (p.value[0]) {
                  m = p.value[0];
                  break;
                }
              }
            }

            return {writable: false, value: [m, "xsd:string"]};
            """;
        await using var harness = new ProvisioningHarness(source);
        var cpe = harness.Cpe("vp-1", "tr098");

        var seen = SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP")).Select(Describe).ToList();

        Assert.Equal(["GetParameterNames InternetGatewayDevice.WANDevice.", "GetParameterValues InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.MACAddress"], seen);
        var mac = cpe.Model.Get("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.MACAddress");
        var cached = await harness.Engine.Store.GetParametersAsync(cpe.Cpe.Id, "VirtualParameters.", CancellationToken.None);
        Assert.Equal(mac, Assert.Single(cached).Value);
    }

    [Fact]
    public async Task The_WPA_passphrase_virtual_parameter_writes_through_to_the_device()
    {
        var source = new MemoryProvisioning().With("default", "wpa", """declare("VirtualParameters.wpa", null, {value: "correct horse battery"});""");
        source.VirtualParameters["wpa"] = """
            let m = "";
            if (VALUES && VALUES.value) {
              m = VALUES.value[0];
              declare("Device.WiFi.AccessPoint.1.Security.KeyPassphrase", null, {value: m});
              declare("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.KeyPassphrase", null, {value: m});
            }
            else {
              let d = declare("Device.WiFi.AccessPoint.1.Security.KeyPassphrase", {value: Date.now()});
              let igd = declare("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.KeyPassphrase", {value: Date.now()});

              if (d.size) {
                m = d.value[0];
              }
              else if (igd.size) {
                m = igd.value[0];
              }
            }

            return {writable: true, value: [m, "xsd:string"]};
            """;
        await using var harness = new ProvisioningHarness(source);
        var cpe = harness.Cpe("wpa-1", "tr098");

        var seen = SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP")).Select(Describe).ToList();

        Assert.Equal(["GetParameterNames InternetGatewayDevice.LANDevice.", "SetParameterValues InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.KeyPassphrase=correct horse battery"], seen);
        Assert.Equal("correct horse battery", cpe.Model.GetStored("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.KeyPassphrase"));
    }

    internal static string Describe(CwmpMessage m) => m switch
    {
        GetParameterNamesRequest g => "GetParameterNames " + g.ParameterPath,
        GetParameterValuesRequest g => "GetParameterValues " + string.Join(',', g.ParameterNames),
        SetParameterValuesRequest s => "SetParameterValues " + string.Join(',', s.ParameterList.Select(p => p.Name + "=" + p.Value.Text)),
        AddObjectRequest a => "AddObject " + a.ObjectName,
        DeleteObjectRequest d => "DeleteObject " + d.ObjectName,
        _ => m.MethodName,
    };
}
