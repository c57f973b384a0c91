using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Contract;

/// <summary>What every store does for the session engine (ISessionStore): a session's changes commit whole or not at all, concurrent sessions do not disturb each other, and reads see the last commit.</summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class SessionStoreContract<TFactory> : StoreContract<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task A_committed_device_reads_back_equal()
    {
        var device = NewDevice(1);

        await Store.CommitSessionAsync(new SessionChanges(device), default);

        Assert.Equal(device, await Store.GetDeviceAsync(device.Id, default));
        Assert.Null(await Store.GetDeviceAsync(Id(2), default));
        Assert.Equal(1, await Store.CountDevicesAsync(default));
    }

    [Fact]
    public async Task A_later_session_replaces_the_device_record()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var updated = NewDevice(1) with { LastInformAt = T0.AddMinutes(5), LastEvents = "2 PERIODIC", SoftwareVersion = "2.0" };

        await Store.CommitSessionAsync(new SessionChanges(updated), default);

        Assert.Equal(updated, await Store.GetDeviceAsync(Id(1), default));
        Assert.Equal(1, await Store.CountDevicesAsync(default));
    }

    [Fact]
    public async Task Parameters_merge_field_by_field_and_subtrees_can_be_replaced()
    {
        var changes = new SessionChanges(NewDevice(1));
        changes.Parameters.AddRange([
            Value("Device.DeviceInfo.SoftwareVersion", "1.0"),
            Value("Device.WiFi.SSID.1.SSID", "home"),
            Value("Device.WiFi.SSID.2.SSID", "guest"),
            new CachedParameter("Device.WiFi.SSID.", null, null, false, null, null, null)]);
        await Store.CommitSessionAsync(changes, default);

        var second = new SessionChanges(NewDevice(1));
        second.Parameters.Add(new CachedParameter("Device.DeviceInfo.SoftwareVersion", null, null, false, 2, "Subscriber", null));
        second.RemovedSubtrees.Add("Device.WiFi.SSID.2.");
        await Store.CommitSessionAsync(second, default);

        var all = await Store.GetParametersAsync(Id(1), null, default);
        Assert.Equal(["Device.DeviceInfo.SoftwareVersion", "Device.WiFi.SSID.", "Device.WiFi.SSID.1.SSID"], all.Select(p => p.Path));
        var version = all[0];
        Assert.Equal(new CachedParameter("Device.DeviceInfo.SoftwareVersion", "1.0", "string", false, 2, "Subscriber", T0), version);
        var wifi = await Store.GetParametersAsync(Id(1), "Device.WiFi.", default);
        Assert.Equal(2, wifi.Count);
    }

    [Fact]
    public async Task A_full_listing_of_a_subtree_removes_cached_parameters_the_cpe_no_longer_has_and_keeps_values()
    {
        var changes = new SessionChanges(NewDevice(1));
        changes.Parameters.AddRange([
            Value("Device.DeviceInfo.SoftwareVersion", "1.0"),
            Value("Device.WiFi.SSID.1.SSID", "home"),
            Value("Device.WiFi.SSID.2.SSID", "guest"),
            Value("Device.WiFiX.Other", "sibling prefix, not under Device.WiFi.")]);
        await Store.CommitSessionAsync(changes, default);

        // After a firmware upgrade the CPE lists Device.WiFi. without SSID 2.
        var listing = new SessionChanges(NewDevice(1));
        listing.ListedSubtrees.Add(new SubtreeListing("Device.WiFi.", new HashSet<string>(["Device.WiFi.", "Device.WiFi.SSID.", "Device.WiFi.SSID.1.", "Device.WiFi.SSID.1.SSID"], StringComparer.Ordinal)));
        listing.Parameters.Add(new CachedParameter("Device.WiFi.SSID.1.SSID", null, null, true, null, null, null));
        await Store.CommitSessionAsync(listing, default);

        var all = await Store.GetParametersAsync(Id(1), null, default);
        Assert.Equal(["Device.DeviceInfo.SoftwareVersion", "Device.WiFi.SSID.1.SSID", "Device.WiFiX.Other"], all.Select(p => p.Path));
        Assert.Equal("home", all[1].Value);
        Assert.True(all[1].Writable);
    }

    [Fact]
    public async Task Tasks_come_back_in_queue_order_and_expired_ones_are_marked_expired()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var first = await Store.AddTaskAsync(Id(1), new NewTask("reboot", """{"name":"reboot"}""", T0, null), default);
        var expiring = await Store.AddTaskAsync(Id(1), new NewTask("factoryReset", """{"name":"factoryReset"}""", T0, T0.AddMinutes(1)), default);
        var third = await Store.AddTaskAsync(Id(1), new NewTask("getParameterValues", """{"name":"getParameterValues","parameterNames":["Device."]}""", T0, T0.AddHours(1)), default);

        var queued = await Store.TakeQueuedTasksAsync(Id(1), T0.AddMinutes(2), default);

        Assert.Equal([first.Id, third.Id], queued.Select(t => t.Id));
        Assert.Equal(DeviceTaskStatus.Expired, (await Store.GetTaskAsync(expiring.Id, default))!.Status);
        Assert.All(queued, t => Assert.Equal(DeviceTaskStatus.Queued, t.Status));
    }

    [Fact]
    public async Task Task_outcomes_and_faults_are_kept()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var done = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0, null), default);
        var faulted = await Store.AddTaskAsync(Id(1), new NewTask("setParameterValues", "{}", T0, null), default);
        var changes = new SessionChanges(NewDevice(1));
        changes.Tasks.Add(new TaskUpdate(done.Id, DeviceTaskStatus.Done, """{"ok":true}""", null));
        changes.Tasks.Add(new TaskUpdate(faulted.Id, DeviceTaskStatus.Faulted, null, new TaskFault(9003, "Invalid arguments", """[{"parameterName":"Device.A","faultCode":9008}]""")));

        await Store.CommitSessionAsync(changes, default);

        var readDone = (await Store.GetTaskAsync(done.Id, default))!;
        var readFaulted = (await Store.GetTaskAsync(faulted.Id, default))!;
        Assert.Equal((DeviceTaskStatus.Done, """{"ok":true}""", 1), (readDone.Status, readDone.Result, readDone.Attempts));
        Assert.Equal(DeviceTaskStatus.Faulted, readFaulted.Status);
        Assert.Equal(9003, readFaulted.Fault!.Code);
        Assert.Contains("9008", readFaulted.Fault.Detail, StringComparison.Ordinal);
        Assert.Empty(await Store.TakeQueuedTasksAsync(Id(1), T0, default));
        Assert.Equal(2, (await Store.ListTasksAsync(Id(1), 10, default)).Count);
    }

    [Fact]
    public async Task A_session_that_fails_half_way_leaves_nothing_behind()
    {
        var original = NewDevice(1);
        var setup = new SessionChanges(original);
        setup.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", "1.0"));
        await Store.CommitSessionAsync(setup, default);
        var task = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0, null), default);

        var failing = new SessionChanges(original with { SoftwareVersion = "2.0", LastEvents = "1 BOOT" });
        failing.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", "2.0"));
        failing.Parameters.Add(Value("Device.NewParameter", "x"));
        failing.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Done, "{}", null));
        failing.NewTasks.Add(new NewTask("factoryReset", "{}", T0, null));
        failing.Parameters.Add(Value("Device.TooLong", new string('x', 70_000)));

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.CommitSessionAsync(failing, default));

        Assert.Equal(StoreErrorReason.Rejected, error.Reason);
        Assert.Equal(original, await Store.GetDeviceAsync(Id(1), default));
        Assert.Equal(["1.0"], (await Store.GetParametersAsync(Id(1), null, default)).Select(p => p.Value));
        Assert.Equal([task.Id], (await Store.TakeQueuedTasksAsync(Id(1), T0, default)).Select(t => t.Id));

        // The store is still usable and the path interned in the failed session works later.
        var retry = new SessionChanges(original);
        retry.Parameters.Add(Value("Device.NewParameter", "y"));
        await Store.CommitSessionAsync(retry, default);
        Assert.Contains(await Store.GetParametersAsync(Id(1), "Device.NewParameter", default), p => p.Value == "y");
    }

    [Fact]
    public async Task A_task_update_for_another_devices_task_rejects_the_whole_session()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(2)), default);
        var foreign = await Store.AddTaskAsync(Id(2), new NewTask("reboot", "{}", T0, null), default);
        var changes = new SessionChanges(NewDevice(1) with { LastEvents = "changed" });
        changes.Tasks.Add(new TaskUpdate(foreign.Id, DeviceTaskStatus.Done, "{}", null));

        await Assert.ThrowsAsync<StoreException>(() => Store.CommitSessionAsync(changes, default));

        Assert.Equal("0 BOOTSTRAP,1 BOOT", (await Store.GetDeviceAsync(Id(1), default))!.LastEvents);
        Assert.Equal(DeviceTaskStatus.Queued, (await Store.GetTaskAsync(foreign.Id, default))!.Status);
    }

    [Fact]
    public async Task Tags_a_session_adds_or_removes_are_written_with_its_commit()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        await Store.SetTagAsync(Id(1), "old", true, default);
        var changes = new SessionChanges(NewDevice(1));
        changes.Tags.Add(new TagChange("wifi-done", true));
        changes.Tags.Add(new TagChange("wifi-done", true));
        changes.Tags.Add(new TagChange("old", false));

        await Store.CommitSessionAsync(changes, default);

        Assert.Equal(["wifi-done"], await Store.GetTagsAsync(Id(1), default));
    }

    [Fact]
    public async Task Everything_survives_closing_and_reopening()
    {
        var changes = new SessionChanges(NewDevice(1));
        changes.Parameters.Add(Value("Device.DeviceInfo.UpTime", "42", "unsignedInt"));
        changes.NewTasks.Add(new NewTask("reboot", """{"name":"reboot"}""", T0, null));
        await Store.CommitSessionAsync(changes, default);

        Store = await ReopenAsync(Store);

        Assert.Equal(NewDevice(1), await Store.GetDeviceAsync(Id(1), default));
        Assert.Equal("unsignedInt", (await Store.GetParametersAsync(Id(1), null, default)).Single().Type);
        Assert.Single(await Store.TakeQueuedTasksAsync(Id(1), T0, default));
    }

    [Fact]
    public async Task Concurrent_sessions_of_different_devices_all_commit()
    {
        await Task.WhenAll(Enumerable.Range(1, 40).Select(n => Task.Run(async () =>
        {
            var changes = new SessionChanges(NewDevice(n));
            changes.Parameters.Add(Value("Device.DeviceInfo.SerialNumber", $"PLS{n:D7}"));
            await Store.CommitSessionAsync(changes, default);
        })));

        Assert.Equal(40, await Store.CountDevicesAsync(default));
        Assert.Equal("PLS0000017", (await Store.GetParametersAsync(Id(17), null, default)).Single().Value);
    }

    [Fact]
    public async Task Concurrent_sessions_that_fail_leave_nothing_and_do_not_take_the_others_with_them()
    {
        // Every third session writes a value the store refuses, after a path no other session uses.
        var outcomes = await CommitAtOnceEveryThirdRefusedAsync(n =>
        {
            var changes = new SessionChanges(NewDevice(n));
            changes.Parameters.Add(Value($"Device.Only{n}.Name", $"name {n}"));
            return changes;
        });

        foreach (var (n, failure) in outcomes)
        {
            if (n % 3 == 0)
            {
                Assert.Equal(StoreErrorReason.Rejected, failure);
                Assert.Null(await Store.GetDeviceAsync(Id(n), default));
                Assert.Empty(await Store.GetParametersAsync(Id(n), null, default));
            }
            else
            {
                Assert.Null(failure);
                Assert.NotNull(await Store.GetDeviceAsync(Id(n), default));
                Assert.Equal([$"name {n}"], (await Store.GetParametersAsync(Id(n), null, default)).Select(p => p.Value));
            }
        }

        Assert.Equal(32, await Store.CountDevicesAsync(default));

        // A path first met in a session that failed is written correctly by a later one.
        var later = new SessionChanges(NewDevice(3));
        later.Parameters.Add(Value("Device.Only3.Name", "name 3"));
        await Store.CommitSessionAsync(later, default);
        Assert.Equal(["name 3"], (await Store.GetParametersAsync(Id(3), "Device.Only3.", default)).Select(p => p.Value));
    }

    [Fact]
    public async Task Reads_running_beside_commits_see_each_device_as_last_committed_and_never_another_one()
    {
        // More readers at once than a store keeps idle: each read must get its own connection and statements.
        await Task.WhenAll(Enumerable.Range(1, 64).Select(n => Task.Run(async () =>
        {
            for (var round = 1; round <= 5; round++)
            {
                var device = NewDevice(n) with { SoftwareVersion = $"{n}.{round}" };
                await Store.CommitSessionAsync(new SessionChanges(device), default);
                var read = await Store.GetDeviceAsync(Id(n), default);
                Assert.Equal(Id(n), read!.Id);
                Assert.Equal($"{n}.{round}", read.SoftwareVersion);
                Assert.Empty(await Store.TakeQueuedTasksAsync(Id(n), T0, default));
            }
        })));

        Assert.Equal(64, await Store.CountDevicesAsync(default));
    }

    [Fact]
    public async Task A_readmit_between_a_sessions_start_and_its_commit_stays()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var known = await Store.GetDeviceAsync(Id(1), default);

        Assert.True(await Store.ResetCredentialsAsync(Id(1), default));
        var session = new SessionChanges(known! with { LastInformAt = T0.AddMinutes(5), SoftwareVersion = "1.1" }) { Known = known };
        session.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", "1.1"));
        await Store.CommitSessionAsync(session, default);

        var device = await Store.GetDeviceAsync(Id(1), default);
        Assert.Equal(DeviceCredentials.None, device!.Credentials);
        Assert.Equal(known with { LastInformAt = T0.AddMinutes(5), SoftwareVersion = "1.1", Credentials = DeviceCredentials.None }, device);
        Assert.Equal(["1.1"], (await Store.GetParametersAsync(Id(1), null, default)).Select(p => p.Value));
    }

    [Fact]
    public async Task Credentials_a_session_changed_are_written_even_after_a_readmit()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var known = await Store.GetDeviceAsync(Id(1), default);
        var enrolled = new DeviceCredentials("cpe-1", [7, 7], [8, 8], true, null);

        Assert.True(await Store.ResetCredentialsAsync(Id(1), default));
        await Store.CommitSessionAsync(new SessionChanges(known! with { Credentials = enrolled }) { Known = known }, default);

        Assert.Equal(enrolled, (await Store.GetDeviceAsync(Id(1), default))!.Credentials);
    }

    [Fact]
    public async Task Readmitting_forgets_only_the_credentials_and_an_unknown_device_is_not_readmitted()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);

        Assert.True(await Store.ResetCredentialsAsync(Id(1), default));
        Assert.False(await Store.ResetCredentialsAsync(Id(2), default));

        Assert.Equal(NewDevice(1) with { Credentials = DeviceCredentials.None }, await Store.GetDeviceAsync(Id(1), default));
        Assert.Null(await Store.GetDeviceAsync(Id(2), default));
    }

    [Fact]
    public async Task A_device_deleted_during_its_session_is_not_brought_back_by_the_commit()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var task = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{\"name\":\"reboot\"}", T0, null), default);
        var known = await Store.GetDeviceAsync(Id(1), default);

        Assert.True(await Store.DeleteDeviceAsync(Id(1), default));
        var session = new SessionChanges(known! with { LastInformAt = T0.AddMinutes(5) }) { Known = known };
        session.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", "1.1"));
        session.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Done, null, null));
        session.NewTasks.Add(new NewTask("reboot", "{\"name\":\"reboot\"}", T0, null));
        await Store.CommitSessionAsync(session, default);

        Assert.Null(await Store.GetDeviceAsync(Id(1), default));
        Assert.Empty(await Store.GetParametersAsync(Id(1), null, default));
        Assert.Null(await Store.GetTaskAsync(task.Id, default));
        Assert.Equal(0, await Store.CountDevicesAsync(default));
    }

    [Fact]
    public async Task A_device_first_seen_in_its_session_is_inserted_and_a_later_session_that_knows_it_updates_it()
    {
        var first = new SessionChanges(NewDevice(1)) { Known = null };
        await Store.CommitSessionAsync(first, default);
        var known = await Store.GetDeviceAsync(Id(1), default);
        Assert.Equal(NewDevice(1), known);

        await Store.CommitSessionAsync(new SessionChanges(known! with { SoftwareVersion = "2.0" }) { Known = known }, default);

        Assert.Equal(NewDevice(1) with { SoftwareVersion = "2.0" }, await Store.GetDeviceAsync(Id(1), default));
        Assert.Equal(1, await Store.CountDevicesAsync(default));
    }
}
