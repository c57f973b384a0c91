using Palisade.Cpe.Model;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Cpe.Tests;

public sealed class DataModelTests
{
    private static readonly DeviceTemplate Gateway = DeviceTemplate.Build(DeviceProfile.Gateway());

    private static CpeDataModel Device(string serial = "SN0001") =>
        new(Gateway, new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", serial, "SIM-GW 1000", "rev-A"));

    [Theory]
    [InlineData("tr181", "Device.")]
    [InlineData("tr098", "InternetGatewayDevice.")]
    public void A_capped_model_keeps_what_cwmp_needs(string model, string root)
    {
        var profile = DeviceProfile.Gateway(model);
        profile.MaxParameters = 20;
        var device = new CpeDataModel(DeviceTemplate.Build(profile), new DeviceIdentity("M", "00D09E", "CAP", "S1", "CAP", "A"));

        var names = device.GetNames(root, nextLevel: false).Where(p => !p.IsObject).Select(p => p.Name).ToList();
        foreach (var essential in new[] { "ManagementServer.URL", "ManagementServer.Username", "ManagementServer.Password", "ManagementServer.ConnectionRequestPassword", "DeviceInfo.SoftwareVersion" })
        {
            Assert.Contains(root + essential, names);
        }

        // The cap still bounds everything else (the essentials alone are more than 20 here, so little else is left).
        var others = names.Count(n => !n.StartsWith(root + "DeviceInfo.", StringComparison.Ordinal) && !n.StartsWith(root + "ManagementServer.", StringComparison.Ordinal));
        Assert.InRange(others, 0, 20);
        Assert.True(names.Count < DeviceTemplate.Build(DeviceProfile.Gateway(model)).Entries.Count(e => !e.IsObject), "the cap removed nothing");
    }

    [Fact]
    public void The_tr181_definition_loads_with_types_and_access()
    {
        var schema = DataModelSchema.For(RootModel.Tr181);
        Assert.Equal("Device.", schema.Root);
        Assert.True(schema.Objects.Count > 600, $"{schema.Objects.Count} objects");
        var ssid = schema.ByPath["Device.WiFi.SSID.{i}."];
        Assert.True(ssid.IsTable);
        Assert.True(ssid.Writable);
        var enable = ssid.Parameters.Single(p => p.Name == "Enable");
        Assert.Equal(XsdType.Boolean, enable.Type);
        Assert.True(enable.Writable);
        var mac = ssid.Parameters.Single(p => p.Name == "MACAddress");
        Assert.Equal("MACAddress", mac.DataType);
        Assert.False(mac.Writable);
        var status = ssid.Parameters.Single(p => p.Name == "Status");
        Assert.Contains("Up", status.Enumeration);
    }

    [Fact]
    public void The_tr098_definition_loads()
    {
        var schema = DataModelSchema.For(RootModel.Tr098);
        Assert.Equal("InternetGatewayDevice.", schema.Root);
        Assert.Contains("InternetGatewayDevice.LANDevice.{i}.WLANConfiguration.{i}.", schema.ByPath.Keys);
        var template = DeviceTemplate.Build(DeviceProfile.Gateway("tr098"));
        var device = new CpeDataModel(template, new DeviceIdentity("M", "00D09E", "IGD", "S1", "IGD", "A"));
        Assert.Equal("S1", device.Get("InternetGatewayDevice.DeviceInfo.SerialNumber"));
        Assert.Equal("2", device.Get("InternetGatewayDevice.LANDevice.1.LANWLANConfigurationNumberOfEntries"));
    }

    [Fact]
    public void The_gateway_profile_is_a_plausible_product_and_values_are_per_device()
    {
        Assert.InRange(Gateway.ParameterCount, 150, 3000);
        var a = Device("SN0001");
        var b = Device("SN0002");
        Assert.Equal("SN0001", a.Get("Device.DeviceInfo.SerialNumber"));
        Assert.Equal("1.0.0", a.Get("Device.DeviceInfo.SoftwareVersion"));
        Assert.Matches("^([0-9A-F]{2}:){5}[0-9A-F]{2}$", a.Get("Device.WiFi.SSID.1.MACAddress"));
        Assert.NotEqual(a.Get("Device.WiFi.SSID.1.MACAddress"), b.Get("Device.WiFi.SSID.1.MACAddress"));
        Assert.NotEqual(a.Get("Device.WiFi.SSID.1.MACAddress"), a.Get("Device.WiFi.SSID.2.MACAddress"));
        Assert.Equal("2", a.Get("Device.WiFi.SSIDNumberOfEntries"));
        Assert.Equal("3", a.Get("Device.Hosts.HostNumberOfEntries"));
        Assert.Equal(XsdType.UnsignedInt, a.GetTyped("Device.DeviceInfo.UpTime")!.Type);
    }

    [Fact]
    public void A_full_tr181_device_has_every_object_of_the_model()
    {
        var full = DeviceTemplate.Build(DeviceProfile.Full());
        Assert.True(full.ParameterCount > 5000, $"{full.ParameterCount} parameters");
        var device = new CpeDataModel(full, new DeviceIdentity("M", "00D09E", "P", "S", "P", "A"));
        Assert.NotNull(device.Get("Device.Cellular.Interface.1.Enable"));
    }

    [Fact]
    public void GetParameterNames_walks_partial_paths_and_next_level()
    {
        var d = Device();
        var top = d.GetNames("Device.", nextLevel: true);
        Assert.Contains(top, p => p.Name == "Device.DeviceInfo.");
        Assert.Contains(top, p => p.Name == "Device.WiFi.");
        Assert.DoesNotContain(top, p => p.Name == "Device.WiFi.SSID.1.");

        var ssids = d.GetNames("Device.WiFi.SSID.", nextLevel: true);
        Assert.Equal(["Device.WiFi.SSID.1.", "Device.WiFi.SSID.2."], ssids.Select(p => p.Name));
        Assert.All(ssids, p => Assert.True(p.Writable));

        var all = d.GetNames("Device.WiFi.SSID.1.", nextLevel: false);
        Assert.Contains(all, p => p.Name == "Device.WiFi.SSID.1.Enable" && p.Writable);
        Assert.Contains(all, p => p.Name == "Device.WiFi.SSID.1.MACAddress" && !p.Writable);

        Assert.Equal([new ParameterInfoStruct("Device.", false)], d.GetNames("", nextLevel: true));
        Assert.Equal(FaultCode.InvalidParameterName, Assert.Throws<CpeFaultException>(() => d.GetNames("Device.Nope.", false)).Fault.FaultCode);
        Assert.Equal(FaultCode.InvalidArguments, Assert.Throws<CpeFaultException>(() => d.GetNames("Device.DeviceInfo.UpTime", true)).Fault.FaultCode);
    }

    [Fact]
    public void GetParameterValues_expands_partial_paths_and_faults_on_unknown_names()
    {
        var d = Device();
        var values = d.GetValues(["Device.DeviceInfo.", "Device.WiFi.SSID.1.SSID"]);
        Assert.Contains(values, v => v.Name == "Device.DeviceInfo.SerialNumber" && v.Value.Text == "SN0001");
        Assert.Contains(values, v => v.Name == "Device.WiFi.SSID.1.SSID");
        var fault = Assert.Throws<CpeFaultException>(() => d.GetValues(["Device.DeviceInfo.SerialNumber", "Device.Bogus"]));
        Assert.Equal(FaultCode.InvalidParameterName, fault.Fault.FaultCode);
    }

    [Fact]
    public void SetParameterValues_is_all_or_nothing_with_a_fault_per_parameter()
    {
        var d = Device();
        var before = d.Get("Device.WiFi.SSID.1.SSID");
        var fault = Assert.Throws<CpeFaultException>(() => d.SetValues(
            [
                new("Device.WiFi.SSID.1.SSID", ParameterValue.String("changed")),
                new("Device.WiFi.SSID.1.MACAddress", ParameterValue.String("02:00:00:00:00:01")),
                new("Device.WiFi.SSID.1.Enable", ParameterValue.String("maybe")),
                new("Device.WiFi.SSID.1.Enable2", ParameterValue.String("x")),
                new("Device.WiFi.SSID.1.LowerLayers", ParameterValue.UnsignedInt(3)),
            ], "key-1"));
        Assert.Equal(FaultCode.InvalidArguments, fault.Fault.FaultCode);
        Assert.Equal(
            [FaultCode.NonWritableParameter, FaultCode.InvalidParameterType, FaultCode.InvalidParameterName, FaultCode.InvalidParameterType],
            fault.Fault.SetParameterValuesFaults.Select(f => f.FaultCode));
        Assert.Equal(before, d.Get("Device.WiFi.SSID.1.SSID"));
        Assert.NotEqual("key-1", d.Get("Device.ManagementServer.ParameterKey"));

        d.SetValues([new("Device.WiFi.SSID.1.SSID", ParameterValue.String("changed")), new("Device.WiFi.SSID.1.Enable", ParameterValue.String("0"))], "key-2");
        Assert.Equal("changed", d.Get("Device.WiFi.SSID.1.SSID"));
        Assert.Equal("false", d.Get("Device.WiFi.SSID.1.Enable"));
        Assert.Equal("key-2", d.Get("Device.ManagementServer.ParameterKey"));
    }

    [Fact]
    public void Enumerations_and_lengths_are_enforced_with_9007()
    {
        var d = Device();
        var fault = Assert.Throws<CpeFaultException>(() => d.SetValues([new("Device.WiFi.SSID.1.SSID", ParameterValue.String(new string('x', 40)))], "k"));
        Assert.Equal(FaultCode.InvalidParameterValue, Assert.Single(fault.Fault.SetParameterValuesFaults).FaultCode);
    }

    [Fact]
    public void A_guard_can_refuse_a_value_the_agent_protects()
    {
        var d = Device();
        var fault = Assert.Throws<CpeFaultException>(() => d.SetValues([new("Device.ManagementServer.URL", ParameterValue.String("http://evil.example/"))], "k",
            (path, value) => path.EndsWith("ManagementServer.URL", StringComparison.Ordinal) && !value.StartsWith("https://", StringComparison.Ordinal) ? "only https" : null));
        Assert.Equal(FaultCode.InvalidParameterValue, Assert.Single(fault.Fault.SetParameterValuesFaults).FaultCode);
    }

    [Fact]
    public void AddObject_and_DeleteObject_manage_instances()
    {
        var d = Device();
        var n = d.AddObject("Device.WiFi.SSID.", "add-1");
        Assert.Equal(3u, n);
        Assert.Equal("3", d.Get("Device.WiFi.SSIDNumberOfEntries"));
        Assert.NotNull(d.Get("Device.WiFi.SSID.3.Enable"));
        d.SetValues([new("Device.WiFi.SSID.3.SSID", ParameterValue.String("guest"))], "set");
        Assert.Equal("guest", d.Get("Device.WiFi.SSID.3.SSID"));
        Assert.Equal("set", d.State.Values["Device.ManagementServer.ParameterKey"]);

        d.DeleteObject("Device.WiFi.SSID.1.", "del-1");
        Assert.Null(d.Get("Device.WiFi.SSID.1.Enable"));
        Assert.Equal("2", d.Get("Device.WiFi.SSIDNumberOfEntries"));
        Assert.Equal(4u, d.AddObject("Device.WiFi.SSID.", "add-2"));

        Assert.Equal(FaultCode.InvalidParameterName, Assert.Throws<CpeFaultException>(() => d.DeleteObject("Device.WiFi.SSID.1.", "k")).Fault.FaultCode);
        Assert.Equal(FaultCode.InvalidParameterName, Assert.Throws<CpeFaultException>(() => d.AddObject("Device.WiFi.Nope.", "k")).Fault.FaultCode);
        Assert.Equal(FaultCode.RequestDenied, Assert.Throws<CpeFaultException>(() => d.AddObject("Device.WiFi.Radio.", "k")).Fault.FaultCode);
    }

    [Fact]
    public void Attributes_round_trip_and_active_notification_is_refused_on_counters()
    {
        var d = Device();
        d.SetAttributes([new SetParameterAttributesStruct("Device.WiFi.SSID.1.SSID", true, 2, false, [])]);
        Assert.Equal(2, Assert.Single(d.GetAttributes(["Device.WiFi.SSID.1.SSID"])).Notification);
        var fault = Assert.Throws<CpeFaultException>(() => d.SetAttributes([new SetParameterAttributesStruct("Device.DeviceInfo.UpTime", true, 2, false, [])]));
        Assert.Equal(FaultCode.NotificationRequestRejected, fault.Fault.FaultCode);

        var notified = new List<(string, bool)>();
        d.Notified += (p, active) => notified.Add((p, active));
        d.SetLocal("Device.WiFi.SSID.1.SSID", "renamed-by-user");
        Assert.Equal([("Device.WiFi.SSID.1.SSID", true)], notified);
    }

    [Fact]
    public void Factory_reset_forgets_what_was_set()
    {
        var d = Device();
        d.SetValues([new("Device.WiFi.SSID.1.SSID", ParameterValue.String("mine"))], "k");
        d.AddObject("Device.WiFi.SSID.", "k");
        d.FactoryReset();
        Assert.NotEqual("mine", d.Get("Device.WiFi.SSID.1.SSID"));
        Assert.Null(d.Get("Device.WiFi.SSID.3.Enable"));
    }

    [Fact]
    public void Secrets_read_back_empty()
    {
        var d = Device();
        d.SetValues([new("Device.ManagementServer.Password", ParameterValue.String("s3cret-pass"))], "k");
        Assert.Equal(string.Empty, d.Get("Device.ManagementServer.Password"));
        Assert.Equal("s3cret-pass", d.GetStored("Device.ManagementServer.Password"));
    }
}
