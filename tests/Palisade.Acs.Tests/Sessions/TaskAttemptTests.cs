using Palisade.Acs.Storage;
using Palisade.Cwmp.Messages;

namespace Palisade.Acs.Tests.Sessions;

/// <summary>A task the device never answers is counted each time it is sent and faults after the limit (issue 18).</summary>
public sealed class TaskAttemptTests : IAsyncLifetime
{
    private EngineHarness _acs = null!;

    public Task InitializeAsync()
    {
        _acs = EngineHarness.Create(o =>
        {
            o.SessionTimeout = TimeSpan.FromSeconds(30);
            o.MaxTaskAttempts = 3;
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _acs.DisposeAsync();

    [Fact]
    public async Task A_task_the_device_never_answers_faults_after_the_limit_and_the_queue_moves_on()
    {
        var cpe = await _acs.EnrolledCpeAsync("SN-DIES");
        var reboot = await _acs.QueueAsync(cpe, """{"name":"reboot"}""");
        var behind = await _acs.QueueAsync(cpe, """{"name":"getParameterValues","parameterNames":["Device.DeviceInfo.UpTime"]}""");
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            // The device is sent the reboot and dies before it answers; the session times out.
            cpe.Cookie = null;
            Assert.Equal(200, (await cpe.InformAsync("2 PERIODIC")).Status);
            Assert.IsType<RebootRequest>((await cpe.EmptyPostAsync()).Body);
            _acs.Time.Advance(TimeSpan.FromSeconds(31));
            Assert.Equal(1, await _acs.Engine.SweepExpiredAsync(CancellationToken.None));

            var sent = await _acs.TaskAsync(reboot.Id);
            Assert.Equal((DeviceTaskStatus.Queued, attempt), (sent.Status, sent.Attempts));
            Assert.Equal((DeviceTaskStatus.Queued, 0), ((await _acs.TaskAsync(behind.Id)).Status, (await _acs.TaskAsync(behind.Id)).Attempts));
        }

        cpe.Cookie = null;
        var seen = await cpe.RunSessionAsync(null, "2 PERIODIC");

        Assert.IsType<GetParameterValuesRequest>(Assert.Single(seen));
        var gaveUp = await _acs.TaskAsync(reboot.Id);
        Assert.Equal((DeviceTaskStatus.Faulted, 3), (gaveUp.Status, gaveUp.Attempts));
        Assert.Contains("never answered", gaveUp.Fault!.Message, StringComparison.Ordinal);
        Assert.Equal((DeviceTaskStatus.Done, 1), ((await _acs.TaskAsync(behind.Id)).Status, (await _acs.TaskAsync(behind.Id)).Attempts));
    }
}
