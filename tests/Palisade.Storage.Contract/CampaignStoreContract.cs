using Palisade.Acs.Campaigns;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Contract;

/// <summary>
/// What every store does with campaigns (ICampaignStore): one campaign per device, starting devices within the
/// stage and the concurrency cap (with their download tasks, in one transaction), decisions that happen once, and
/// devices released when a campaign ends.
/// </summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class CampaignStoreContract<TFactory> : StoreContract<TFactory>
    where TFactory : IStoreFactory, new()
{
    private static readonly CampaignPlan Plan = new([new CampaignStage(null, 2, TimeSpan.FromMinutes(5)), new CampaignStage(100, null, TimeSpan.Zero)], null, 10, TimeSpan.FromMinutes(30), 1, null);

    private static readonly NewTask Download = new("download", "{\"name\":\"download\",\"fileType\":\"1 Firmware Upgrade Image\",\"fileName\":\"fw.bin\"}", T0, null);

    [Fact]
    public async Task A_campaign_is_stored_with_its_devices_pending_by_stage_and_read_back()
    {
        await DevicesAsync(4);
        var id = await Store.CreateCampaignAsync(New("first"), Targets(4, Plan), default);

        var stored = await Store.GetCampaignAsync(id, default);
        Assert.NotNull(stored);
        Assert.Equal(New("first") with { Id = id }, stored with { Plan = Plan });
        Assert.Equal(Plan.Stages, stored.Plan.Stages);
        Assert.Equal((Plan.MaxConcurrency, Plan.ReturnWithin, Plan.MaxFailures), (stored.Plan.MaxConcurrency, stored.Plan.ReturnWithin, stored.Plan.MaxFailures));
        var progress = await Store.GetCampaignProgressAsync(id, 2, default);
        Assert.Equal([2, 2], progress.Stages.Select(s => s.Pending));
        Assert.Equal(4, progress.Targeted);
        Assert.Equal([id], (await Store.ListCampaignsAsync(null, 10, default)).Select(c => c.Id));
        Assert.Equal([id], await Store.CampaignIdsAsync(CampaignState.Running, default));
        Assert.Equal(Id(1).ToString(), (await Store.GetActiveCampaignDeviceAsync(Id(1).ToString(), default))!.DeviceId);
    }

    [Fact]
    public async Task A_device_in_a_campaign_that_holds_devices_cannot_join_another_and_nothing_of_the_second_is_written()
    {
        await DevicesAsync(3);
        var first = await Store.CreateCampaignAsync(New("first"), [(Id(1).ToString(), 0)], default);

        var refused = await Assert.ThrowsAsync<StoreException>(() => Store.CreateCampaignAsync(New("second"), [(Id(2).ToString(), 0), (Id(1).ToString(), 0)], default));
        Assert.Equal(StoreErrorReason.Rejected, refused.Reason);
        Assert.Single(await Store.ListCampaignsAsync(null, 10, default));
        Assert.Null(await Store.GetActiveCampaignDeviceAsync(Id(2).ToString(), default));

        // Once the first ends, the device is free.
        Assert.True(await Store.SetCampaignStateAsync(first, CampaignState.Running, CampaignState.Aborted, null, Now, default));
        Assert.Null(await Store.GetActiveCampaignDeviceAsync(Id(1).ToString(), default));
        await Store.CreateCampaignAsync(New("second"), [(Id(2).ToString(), 0), (Id(1).ToString(), 0)], default);
    }

    [Fact]
    public async Task Starting_takes_only_the_current_stage_within_the_cap_and_queues_each_device_its_download()
    {
        await DevicesAsync(4);
        var id = await Store.CreateCampaignAsync(New("c"), Targets(4, Plan), default);

        var first = await Store.StartCampaignDevicesAsync(id, 10, 1, Download, null, Now, default);
        Assert.Single(first);
        Assert.Empty(await Store.StartCampaignDevicesAsync(id, 10, 1, Download, null, Now, default));
        var second = await Store.StartCampaignDevicesAsync(id, 10, 10, Download, null, Now, default);

        // Stage 0 only (devices 1 and 2), however much room is left.
        Assert.Equal([Id(1).ToString(), Id(2).ToString()], first.Concat(second).Select(d => d.DeviceId).Order());
        foreach (var device in first.Concat(second))
        {
            var task = await Store.GetTaskAsync(device.TaskId!.Value, default);
            Assert.Equal(("download", DeviceTaskStatus.Queued, device.DeviceId), (task!.Name, task.Status, task.DeviceId.ToString()));
        }

        Assert.Empty(await Store.ListTasksAsync(Id(3), 10, default));
        Assert.Equal(2, (await Store.GetCampaignProgressAsync(id, 2, default)).Stages[0].InProgress);
    }

    [Fact]
    public async Task Devices_finish_once_and_the_stage_advances_once_to_completion_which_releases_them()
    {
        await DevicesAsync(4);
        var id = await Store.CreateCampaignAsync(New("c"), Targets(4, Plan), default);
        await Store.StartCampaignDevicesAsync(id, 10, 10, Download, null, Now, default);

        Assert.True(await Store.FinishCampaignDeviceAsync(id, Id(1).ToString(), null, Now, default));
        Assert.False(await Store.FinishCampaignDeviceAsync(id, Id(1).ToString(), "wrong-version", Now, default));
        Assert.True(await Store.FinishCampaignDeviceAsync(id, Id(2).ToString(), CampaignFailures.BadSignature, Now.AddMinutes(1), default));
        Assert.False(await Store.FinishCampaignDeviceAsync(id, Id(3).ToString(), null, Now, default));
        var progress = await Store.GetCampaignProgressAsync(id, 2, default);
        Assert.Equal((1, 1, Now.AddMinutes(1)), (progress.Stages[0].Succeeded, progress.Stages[0].Failed, progress.Stages[0].LastFinishedAt!.Value));
        Assert.Equal(1, progress.FailedByReason[CampaignFailures.BadSignature]);

        Assert.True(await Store.AdvanceCampaignStageAsync(id, 0, 2, Now, default));
        Assert.False(await Store.AdvanceCampaignStageAsync(id, 0, 2, Now, default));
        Assert.Equal(1, (await Store.GetCampaignAsync(id, default))!.Stage);
        Assert.Equal(2, (await Store.StartCampaignDevicesAsync(id, 10, 10, Download, null, Now, default)).Count);

        Assert.True(await Store.AdvanceCampaignStageAsync(id, 1, 2, Now, default));
        Assert.Equal(CampaignState.Completed, (await Store.GetCampaignAsync(id, default))!.State);
        Assert.Null(await Store.GetActiveCampaignDeviceAsync(Id(3).ToString(), default));
    }

    [Fact]
    public async Task Late_devices_fail_by_whether_they_took_their_task_and_their_queued_tasks_are_cancelled()
    {
        await DevicesAsync(2);
        var id = await Store.CreateCampaignAsync(New("c"), Targets(2, Plan), default);
        var started = await Store.StartCampaignDevicesAsync(id, 10, 10, Download, null, Now, default);
        var took = started.Single(d => d.DeviceId == Id(1).ToString());

        // Device 1 took its download and answered "completes later"; device 2 never came.
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)) { Tasks = { new TaskUpdate(took.TaskId!.Value, DeviceTaskStatus.Done, "{\"state\":\"pending\"}", null) } }, default);
        Assert.Equal(0, await Store.ExpireCampaignDevicesAsync(id, Now, Now, default));
        Assert.Equal(2, await Store.ExpireCampaignDevicesAsync(id, Now.AddSeconds(1), Now.AddMinutes(30), default));

        var progress = await Store.GetCampaignProgressAsync(id, 2, default);
        Assert.Equal(new Dictionary<string, int> { [CampaignFailures.NoReturn] = 1, [CampaignFailures.Timeout] = 1 }, progress.FailedByReason);
        var other = started.Single(d => d.DeviceId == Id(2).ToString());
        Assert.Equal(DeviceTaskStatus.Cancelled, (await Store.GetTaskAsync(other.TaskId!.Value, default))!.Status);

        // Retried, they are pending again.
        Assert.Equal(2, await Store.RetryFailedCampaignDevicesAsync(id, Now, default));
        Assert.Equal(2, (await Store.GetCampaignProgressAsync(id, 2, default)).Stages[0].Pending);
    }

    [Fact]
    public async Task State_changes_are_compare_and_set_and_an_abort_cancels_queued_downloads()
    {
        await DevicesAsync(2);
        var id = await Store.CreateCampaignAsync(New("c"), Targets(2, Plan), default);
        var started = await Store.StartCampaignDevicesAsync(id, 10, 10, Download, null, Now, default);

        Assert.True(await Store.SetCampaignStateAsync(id, CampaignState.Running, CampaignState.Halted, "stage 1: 2 failures", Now, default));
        Assert.False(await Store.SetCampaignStateAsync(id, CampaignState.Running, CampaignState.Halted, "again", Now, default));
        Assert.Equal("stage 1: 2 failures", (await Store.GetCampaignAsync(id, default))!.HaltReason);
        Assert.Empty(await Store.StartCampaignDevicesAsync(id, 10, 10, Download, null, Now, default));
        Assert.Equal("c", await Store.CampaignUsingFileAsync("fw.bin", default));

        Assert.True(await Store.SetCampaignStateAsync(id, CampaignState.Halted, CampaignState.Aborted, null, Now, default));
        Assert.All(started, d => Assert.Equal(DeviceTaskStatus.Cancelled, Store.GetTaskAsync(d.TaskId!.Value, default).Result!.Status));
        Assert.Null(await Store.CampaignUsingFileAsync("fw.bin", default));
        Assert.Equal(0, await Store.RetryFailedCampaignDevicesAsync(id, Now, default));
    }

    [Fact]
    public async Task A_device_no_longer_registered_fails_as_gone_when_its_turn_comes()
    {
        await DevicesAsync(1);
        var id = await Store.CreateCampaignAsync(New("c"), [(Id(1).ToString(), 0), (Id(9).ToString(), 0)], default);

        var started = await Store.StartCampaignDevicesAsync(id, 10, 10, Download, null, Now, default);
        Assert.Equal([Id(1).ToString()], started.Select(d => d.DeviceId));
        Assert.Equal(CampaignFailures.Gone, (await Store.ListCampaignDevicesAsync(id, CampaignDeviceState.Failed, null, 10, default)).Single().Reason);
    }

    [Fact]
    public async Task Pending_devices_are_read_a_page_at_a_time_with_their_cached_local_time_and_only_the_allowed_ones_start()
    {
        await DevicesAsync(5);
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)) { Parameters = { Value("Device.Time.CurrentLocalTime", "2026-12-06T21:30:00+05:30", "dateTime"), Value("Device.Time.Enable", "true", "boolean") } }, default);
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(2)) { Parameters = { Value("InternetGatewayDevice.Time.CurrentLocalTime", "2026-12-06T08:00:00-08:00", "dateTime") } }, default);
        var id = await Store.CreateCampaignAsync(New("c"), Targets(5, Plan), default);

        // Stage 0 (devices 1 and 2) only while the campaign is at stage 0; a device without a local time reads null.
        Assert.Equal(
            [new CampaignCandidate(Id(1).ToString(), 0, "2026-12-06T21:30:00+05:30"), new CampaignCandidate(Id(2).ToString(), 0, "2026-12-06T08:00:00-08:00")],
            await Store.PendingCampaignDevicesAsync(id, 0, null, 10, DeviceLocalTime.Paths, default));
        var first = await Store.PendingCampaignDevicesAsync(id, 1, null, 3, DeviceLocalTime.Paths, default);
        var rest = await Store.PendingCampaignDevicesAsync(id, 1, first[^1], 3, DeviceLocalTime.Paths, default);
        Assert.Equal(Enumerable.Range(1, 5).Select(n => Id(n).ToString()), first.Concat(rest).Select(c => c.DeviceId));
        Assert.Equal((1, (string?)null), (rest[0].Stage, rest[0].LocalTime));

        // Only the allowed device starts, however much room is left; the other stays pending and gets no task.
        var started = await Store.StartCampaignDevicesAsync(id, 10, 10, Download, [Id(2).ToString()], Now, default);
        Assert.Equal([Id(2).ToString()], started.Select(d => d.DeviceId));
        Assert.Empty(await Store.ListTasksAsync(Id(1), 10, default));
        Assert.Equal([Id(1).ToString()], (await Store.PendingCampaignDevicesAsync(id, 0, null, 10, DeviceLocalTime.Paths, default)).Select(c => c.DeviceId));
    }

    private static Campaign New(string name) => new(0, name, "fw.bin", new string('a', 64), "2.1.0", "productClass = \"HGW\"", Plan, CampaignState.Running, null, 0, T0, "admin", T0);

    private static List<(string, int)> Targets(int count, CampaignPlan plan)
    {
        var stages = plan.StageOf(count);
        return [.. Enumerable.Range(1, count).Select(n => (Id(n).ToString(), stages[n - 1]))];
    }

    private async Task DevicesAsync(int count)
    {
        for (var n = 1; n <= count; n++)
        {
            await Store.CommitSessionAsync(new SessionChanges(NewDevice(n)), default);
        }
    }
}
