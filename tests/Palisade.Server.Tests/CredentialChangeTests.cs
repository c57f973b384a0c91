using Palisade.Acs.Devices;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;
using Palisade.Cwmp;
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

    [Fact]
    public async Task A_device_that_applies_its_enrollment_at_the_next_boot_keeps_the_bootstrap_credential_until_it_uses_the_new_one()
    {
        var bootstrap = _server.Host.Facts.Bootstrap!;
        using var cpe = TestCpe.Bootstrap(_server, "SN-STATUS1");
        Assert.Equal(200, (await cpe.SendInformAsync(CwmpVersion.V1_4, "0 BOOTSTRAP")).StatusCode);
        string? username = null, password = null;
        for (var reply = await cpe.EmptyPostAsync(); !reply.EndsSession; )
        {
            var request = reply.Envelope!.Body!;
            if (request is SetParameterValuesRequest set && set.ParameterList.Any(p => p.Name == "Device.ManagementServer.Password"))
            {
                username = set.ParameterList.Single(p => p.Name == "Device.ManagementServer.Username").Value.Text;
                password = set.ParameterList.Single(p => p.Name == "Device.ManagementServer.Password").Value.Text;
                reply = await cpe.AnswerAsync(reply, new SetParameterValuesResponse(1));
            }
            else
            {
                reply = await cpe.AnswerAsync(reply, TestCpe.Default(request));
            }
        }

        cpe.EndSession();
        Assert.NotNull(password);

        // Not rebooted yet: it still presents the bootstrap credential, and gets in (and is not enrolled again).
        using var before = new TestCpe(_server, "SN-STATUS1", bootstrap.Username, bootstrap.Password);
        Assert.Empty(await before.RunSessionAsync(null, "2 PERIODIC"));

        // Rebooted: the new credential works, and from then on the bootstrap credential no longer admits it.
        using var after = new TestCpe(_server, "SN-STATUS1", username, password);
        Assert.Empty(await after.RunSessionAsync(null, "1 BOOT"));
        Assert.Null((await _server.Host.Store.GetDeviceAsync(new DeviceId("00D09E", "HGW", "SN-STATUS1"), CancellationToken.None))!.Credentials.Previous);
        using var retired = new TestCpe(_server, "SN-STATUS1", bootstrap.Username, bootstrap.Password);
        Assert.Equal(401, (await retired.SendInformAsync()).StatusCode);
    }

    private async Task<DeviceTask> QueueAsync(TestCpe cpe, string json)
    {
        var definition = TaskJson.Parse(json);
        var id = new DeviceId("00D09E", "HGW", cpe.Serial);
        return await _server.Host.Store.AddTaskAsync(id, new NewTask(definition.Name, TaskJson.Serialize(definition), DateTimeOffset.UtcNow, null), CancellationToken.None);
    }
}
