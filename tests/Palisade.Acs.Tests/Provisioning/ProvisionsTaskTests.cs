using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>GenieACS's provisions task: named provisions with their arguments run in the next session, as the task.</summary>
public sealed class ProvisionsTaskTests
{
    [Fact]
    public async Task A_provisions_task_runs_its_provisions_with_their_args_and_its_outcome_is_the_tasks()
    {
        var source = new MemoryProvisioning();
        source.Provisions["ssid"] = """declare("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID", {value: 1}, {value: args[0] + "-" + args[1]});""";
        source.Provisions["broken"] = """throw new Error("no");""";
        await using var harness = new ProvisioningHarness(source);
        var cpe = harness.Cpe("task-1", "tr098");
        await cpe.SessionAsync("0 BOOTSTRAP", "1 BOOT");

        var good = await harness.Engine.QueueAsync(cpe.Cpe, """{"name":"provisions","provisions":[["ssid","home",5]]}""");
        var bad = await harness.Engine.QueueAsync(cpe.Cpe, """{"name":"provisions","provisions":[["broken"],["missing"]]}""");
        var seen = await cpe.SessionAsync();

        var set = Assert.Single(seen.OfType<SetParameterValuesRequest>());
        Assert.Equal("home-5", Assert.Single(set.ParameterList).Value.Text);
        Assert.Equal("home-5", cpe.Model.Get("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID"));
        Assert.Equal(DeviceTaskStatus.Done, (await harness.Engine.TaskAsync(good.Id)).Status);
        var faulted = await harness.Engine.TaskAsync(bad.Id);
        Assert.Equal(DeviceTaskStatus.Faulted, faulted.Status);
        Assert.StartsWith("script.error", faulted.Fault!.Message, StringComparison.Ordinal);

        // The task's fault is the task's: no channel fault is left to block anything.
        Assert.Empty(await harness.Engine.Store.ListChannelFaultsAsync(cpe.Cpe.Id, null, 10, CancellationToken.None));
    }

    [Theory]
    [InlineData("""{"name":"provisions","provisions":[]}""")]
    [InlineData("""{"name":"provisions","provisions":[["bad name!"]]}""")]
    [InlineData("""{"name":"provisions","provisions":"default"}""")]
    public void A_provisions_task_that_names_nothing_or_a_bad_name_is_refused(string json) =>
        Assert.Throws<TaskValidationException>(() => TaskJson.Parse(json));

    [Fact]
    public void A_provisions_task_keeps_GenieACS_shape_when_stored()
    {
        const string Json = """{"name":"provisions","provisions":[["ssid","home",5,{"a":[1]}],["other"]]}""";
        Assert.Equal(Json, TaskJson.Serialize(TaskJson.Parse(Json)));
    }
}
