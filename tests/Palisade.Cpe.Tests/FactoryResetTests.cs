using Microsoft.Extensions.Time.Testing;
using Palisade.Cpe.Model;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;
using static Palisade.Cpe.Tests.AgentFixture;

namespace Palisade.Cpe.Tests;

/// <summary>After a FactoryReset the device comes back as it left the factory: its interval, reachable, bootstrapping.</summary>
public sealed class FactoryResetTests : IAsyncLifetime
{
    private const string CrUrl = "http://127.0.0.1:7548/0123456789abcdefghijklmn";
    private PlainAcs _acs = null!;

    public async Task InitializeAsync() => _acs = await PlainAcs.StartAsync();

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    [Fact]
    public async Task After_a_factory_reset_the_device_informs_at_its_own_interval_with_a_working_connection_request_url()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        await using var agent = _acs.NewAgent("FR0001", time, o => o.PeriodicInterval = TimeSpan.FromSeconds(300));
        agent.SetConnectionRequestUrl(CrUrl);
        await SessionOkAsync(agent);

        // The ACS sets its own interval, then resets the device.
        _acs.Enqueue(new SetParameterValuesRequest([new ParameterValueStruct("Device.ManagementServer.PeriodicInformInterval", ParameterValue.UnsignedInt(60))], "k1"));
        _acs.Enqueue(new FactoryResetRequest());
        await SessionOkAsync(agent);
        Assert.IsType<FactoryResetResponse>(_acs.Answers[^1]);

        await SessionOkAsync(agent);
        var inform = _acs.Informs[^1];
        Assert.Equal(["0 BOOTSTRAP", "1 BOOT"], inform.Events.Select(e => e.EventCode));
        Assert.Equal("300", Value(inform, "Device.ManagementServer.PeriodicInformInterval"));
        Assert.Equal(CrUrl, Value(inform, "Device.ManagementServer.ConnectionRequestURL"));
        Assert.Equal(_acs.Url.ToString(), agent.Model.Get("Device.ManagementServer.URL"));
        Assert.Equal(TimeSpan.FromSeconds(300), agent.UntilPeriodic());
    }

    [Fact]
    public async Task Without_an_interval_of_its_own_the_device_comes_back_with_an_hour_not_a_second()
    {
        await using var agent = _acs.NewAgent("FR0002");
        _acs.Enqueue(new FactoryResetRequest());
        await SessionOkAsync(agent);
        await SessionOkAsync(agent);

        Assert.Equal("3600", Value(_acs.Informs[^1], "Device.ManagementServer.PeriodicInformInterval"));
        Assert.Equal("true", agent.Model.Get("Device.ManagementServer.PeriodicInformEnable"));
    }

    [Fact]
    public void A_model_fresh_from_the_template_informs_hourly()
    {
        var identity = new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", "FR0003", "SIM-GW 1000", "rev-A");
        Assert.Equal("3600", new CpeDataModel(Gateway, identity).Get("Device.ManagementServer.PeriodicInformInterval"));
        var tr098 = DeviceTemplate.Build(DeviceProfile.Gateway("tr098"));
        Assert.Equal("3600", new CpeDataModel(tr098, identity).Get("InternetGatewayDevice.ManagementServer.PeriodicInformInterval"));
    }

    private static string? Value(InformRequest inform, string name) => inform.ParameterList.SingleOrDefault(p => p.Name == name)?.Value.Text;
}
