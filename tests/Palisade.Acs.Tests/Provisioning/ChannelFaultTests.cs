using Palisade.Acs.Provisioning;
using Palisade.Acs.Provisioning.Declarations;
using Palisade.Acs.Provisioning.Scripts;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>Channels isolate faults; a faulted channel waits out its back-off (under a fake clock), then runs again.</summary>
public sealed class ChannelFaultTests
{
    [Fact]
    public async Task A_runaway_channel_faults_alone_backs_off_and_clears_once_it_runs_cleanly()
    {
        var source = new MemoryProvisioning()
            .With("bad", "spin", "while (true) {}")
            .With("good", "interval", """declare("InternetGatewayDevice.ManagementServer.PeriodicInformInterval", {value: 1}, {value: 600});""");
        await using var harness = new ProvisioningHarness(source);
        var cpe = harness.Cpe("faults-1", "tr098");

        var first = SimulatedCpe.Provisioning(await cpe.SessionAsync("0 BOOTSTRAP"));

        Assert.Equal("600", cpe.Model.Get("InternetGatewayDevice.ManagementServer.PeriodicInformInterval"));
        var fault = (await harness.Faults.GetAsync(cpe.Cpe.Id, CancellationToken.None))["bad"];
        Assert.Equal(ScriptFaultCodes.Timeout, fault.Code);
        Assert.Equal(0, fault.Retries);
        Assert.Equal(["spin"], fault.Provisions);
        Assert.DoesNotContain("good", (await harness.Faults.GetAsync(cpe.Cpe.Id, CancellationToken.None)).Keys);

        // Within its back-off the channel does not run: its fault stays as it was.
        harness.Engine.Time.Advance(TimeSpan.FromMinutes(1));
        await cpe.SessionAsync();
        Assert.Equal(fault, (await harness.Faults.GetAsync(cpe.Cpe.Id, CancellationToken.None))["bad"]);

        // After it, the channel runs again and faults again: one more retry, a longer wait.
        harness.Engine.Time.Advance(fault.RetryAt - harness.Engine.Time.GetUtcNow() + TimeSpan.FromSeconds(1));
        await cpe.SessionAsync();
        var again = (await harness.Faults.GetAsync(cpe.Cpe.Id, CancellationToken.None))["bad"];
        Assert.Equal(1, again.Retries);
        Assert.True(again.RetryAt - again.Timestamp > fault.RetryAt - fault.Timestamp);

        // Fixed: the next run after the wait clears the fault.
        source.Provisions["spin"] = "log('fixed')";
        harness.Engine.Time.Advance(again.RetryAt - harness.Engine.Time.GetUtcNow() + TimeSpan.FromSeconds(1));
        await cpe.SessionAsync();
        Assert.Empty(await harness.Faults.GetAsync(cpe.Cpe.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_device_fault_to_one_channels_write_does_not_touch_the_other_channel()
    {
        var source = new MemoryProvisioning()
            .With("readonly", "version", """declare("InternetGatewayDevice.DeviceInfo.SoftwareVersion", {value: 1}, {value: "9.9.9"});""")
            .With("good", "interval", """declare("InternetGatewayDevice.ManagementServer.PeriodicInformInterval", {value: 1}, {value: 900});""");
        await using var harness = new ProvisioningHarness(source);
        var cpe = harness.Cpe("faults-2", "tr098");

        await cpe.SessionAsync("0 BOOTSTRAP");

        Assert.Equal("900", cpe.Model.Get("InternetGatewayDevice.ManagementServer.PeriodicInformInterval"));
        var faults = await harness.Faults.GetAsync(cpe.Cpe.Id, CancellationToken.None);
        Assert.Equal(ScriptFaultCodes.Cwmp, Assert.Single(faults).Value.Code);
        Assert.Equal("readonly", faults.Keys.Single());
    }

    [Fact]
    public async Task An_ext_call_is_answered_between_rounds_and_a_failing_one_faults_only_its_channel()
    {
        var source = new MemoryProvisioning()
            .With("ext", "lookup", """
                let serial = declare("DeviceID.SerialNumber", {value: 1});
                let ssid = ext("directory", "ssid", serial.value[0]);
                declare("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID", {value: 1}, {value: ssid});
                """)
            .With("broken", "throws", """
                try { ext("directory", "fail"); } catch (e) { log("caught " + e); }
                """);
        var extensions = new FakeExtensions();
        await using var harness = new ProvisioningHarness(source, extensions);
        var cpe = harness.Cpe("ext-1", "tr098");

        await cpe.SessionAsync("0 BOOTSTRAP");

        Assert.Equal("net-ext-1", cpe.Model.Get("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID"));
        Assert.Equal(1, extensions.Calls.Count(c => c.Function == "ssid"));
        var faults = await harness.Faults.GetAsync(cpe.Cpe.Id, CancellationToken.None);
        Assert.Equal(ScriptFaultCodes.Ext, Assert.Single(faults).Value.Code);
        Assert.Equal("broken", faults.Keys.Single());
    }

    private sealed class FakeExtensions : IScriptExtensions
    {
        public List<ExtCall> Calls { get; } = [];

        public Task<string> CallAsync(ExtCall call, CancellationToken cancellationToken)
        {
            Calls.Add(call);
            return call.Function == "ssid"
                ? Task.FromResult("\"net-" + System.Text.Json.JsonDocument.Parse(call.ArgumentsJson).RootElement[0].GetString() + "\"")
                : throw new ScriptExtensionException("the endpoint answered 500");
        }
    }

    internal static bool IsWrite(CwmpMessage m) => m is SetParameterValuesRequest;
}
