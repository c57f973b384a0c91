using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp.Messages;

using Palisade.Testing;

namespace Palisade.Server.Tests;

/// <summary>A device's ACS credential changes only in step with the device, so it is never locked out (issue 18, issue 24 medium 11).</summary>
public sealed class CredentialChangeTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void A_task_that_sets_the_acs_password_is_refused_naming_rotate_credentials()
    {
        var error = Assert.Throws<TaskValidationException>(() => TaskJson.Parse("""{"name":"setParameterValues","parameterValues":[["Device.ManagementServer.Password","chosen-by-hand"]]}"""));

        Assert.Contains("rotateCredentials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotated_credentials_are_stored_with_the_devices_success_and_the_device_gets_in_with_them()
    {
        using var cpe = TestCpe.Bootstrap(_server, "SN-ROTATE");
        await cpe.RunSessionAsync(null, "0 BOOTSTRAP");
        var (oldUser, oldPassword) = (cpe.Username!, cpe.Password!);
        using var again = new TestCpe(_server, "SN-ROTATE", oldUser, oldPassword);
        var task = await QueueAsync(cpe, """{"name":"rotateCredentials"}""");

        var seen = await again.RunSessionAsync();

        var set = Assert.IsType<SetParameterValuesRequest>(Assert.Single(seen));
        Assert.Equal(["Device.ManagementServer.Username", "Device.ManagementServer.Password"], set.ParameterList.Select(p => p.Name));
        Assert.NotEqual(oldPassword, again.Password);
        Assert.Equal(DeviceTaskStatus.Done, (await _server.Host.Store.GetTaskAsync(task.Id, CancellationToken.None))!.Status);
        Assert.Empty(await again.RunSessionAsync());
        Assert.DoesNotContain(again.Password!, _server.Logs.All, StringComparison.Ordinal);

        // The old credential is gone.
        using var stale = new TestCpe(_server, "SN-ROTATE", oldUser, oldPassword);
        Assert.Equal(401, (await stale.SendInformAsync()).StatusCode);
    }

    private async Task<DeviceTask> QueueAsync(TestCpe cpe, string json)
    {
        var definition = TaskJson.Parse(json);
        var id = new DeviceId("00D09E", "HGW", cpe.Serial);
        return await _server.Host.Store.AddTaskAsync(id, new NewTask(definition.Name, TaskJson.Serialize(definition), DateTimeOffset.UtcNow, null), CancellationToken.None);
    }
}
