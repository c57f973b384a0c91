using Palisade.Acs.Devices;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Contract;

/// <summary>
/// The commit of a session of a device the store already holds (<see cref="SessionChanges.Known"/> set, as every session
/// after the first): all it learned is written with the device row, whole or not at all, with and without task
/// outcomes; a device deleted meanwhile gets none of it.
/// </summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class SessionCommitContract<TFactory> : StoreContract<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task A_known_devices_session_without_task_outcomes_writes_everything_it_learned()
    {
        var known = await StoredAsync(1);
        await Store.SetTagAsync(Id(1), "old", true, default);
        var session = new SessionChanges(known with { LastInformAt = T0.AddMinutes(5), SoftwareVersion = "1.1" }) { Known = known };
        session.RemovedSubtrees.Add("Device.Gone.");
        session.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", "1.1"));
        session.Parameters.Add(Value("Device.DeviceInfo.UpTime", "7"));
        session.Parameters.Add(new CachedParameter("Device.DeviceInfo.UpTime", null, null, false, 2, null, null));
        session.Tags.Add(new TagChange("wifi-done", true));
        session.Tags.Add(new TagChange("old", false));
        session.NewTasks.Add(new NewTask("reboot", """{"name":"reboot"}""", T0, null));
        session.Events.Add(new DeviceEvent(T0.AddMinutes(5), "2 PERIODIC", null, null));

        await Store.CommitSessionAsync(session, default);

        Assert.Equal(session.Device, await Store.GetDeviceAsync(Id(1), default));
        var parameters = (await Store.GetParametersAsync(Id(1), null, default)).ToDictionary(p => p.Path);
        Assert.Equal(["Device.DeviceInfo.SoftwareVersion", "Device.DeviceInfo.UpTime"], parameters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("7", "string", false, 2), (parameters["Device.DeviceInfo.UpTime"].Value, parameters["Device.DeviceInfo.UpTime"].Type,
            parameters["Device.DeviceInfo.UpTime"].Writable, parameters["Device.DeviceInfo.UpTime"].Notification));
        Assert.Equal(["wifi-done"], await Store.GetTagsAsync(Id(1), default));
        Assert.Equal(["reboot"], (await Store.ListTasksAsync(Id(1), 10, default)).Select(t => t.Name));
        Assert.Contains(await Store.ListEventsAsync(Id(1), 10, default), e => e.Code == "2 PERIODIC");
    }

    [Fact]
    public async Task A_known_devices_session_with_task_outcomes_writes_them_with_everything_else()
    {
        var known = await StoredAsync(1);
        var task = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0, null), default);
        var session = new SessionChanges(known with { LastInformAt = T0.AddMinutes(5) }) { Known = known };
        session.Parameters.Add(Value("Device.DeviceInfo.UpTime", "9"));
        session.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Done, """{"ok":true}""", null));
        session.Events.Add(new DeviceEvent(T0.AddMinutes(5), "M Reboot", task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null));

        await Store.CommitSessionAsync(session, default);

        Assert.Equal(T0.AddMinutes(5), (await Store.GetDeviceAsync(Id(1), default))!.LastInformAt);
        Assert.Equal(DeviceTaskStatus.Done, (await Store.GetTaskAsync(task.Id, default))!.Status);
        Assert.Contains(await Store.GetParametersAsync(Id(1), null, default), p => p.Path == "Device.DeviceInfo.UpTime" && p.Value == "9");
        Assert.Contains(await Store.ListEventsAsync(Id(1), 10, default), e => e.Code == "M Reboot");
        Assert.Empty(await Store.TakeQueuedTasksAsync(Id(1), T0.AddMinutes(6), default));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_known_devices_session_that_fails_half_way_leaves_nothing_behind(bool withTaskOutcome)
    {
        var known = await StoredAsync(1);
        var task = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0, null), default);
        var failing = new SessionChanges(known with { SoftwareVersion = "2.0", LastEvents = "1 BOOT" }) { Known = known };
        failing.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", "2.0"));
        failing.Tags.Add(new TagChange("upgraded", true));
        failing.NewTasks.Add(new NewTask("factoryReset", "{}", T0, null));
        failing.Events.Add(new DeviceEvent(T0.AddMinutes(5), "1 BOOT", null, null));
        if (withTaskOutcome)
        {
            failing.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Done, "{}", null));
        }

        failing.Parameters.Add(Value("Device.TooLong", new string('x', 70_000)));

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.CommitSessionAsync(failing, default));

        Assert.Equal(StoreErrorReason.Rejected, error.Reason);
        Assert.Equal(known, await Store.GetDeviceAsync(Id(1), default));
        Assert.Equal(["1.0"], (await Store.GetParametersAsync(Id(1), null, default)).Select(p => p.Value));
        Assert.Empty(await Store.GetTagsAsync(Id(1), default));
        Assert.DoesNotContain(await Store.ListEventsAsync(Id(1), 10, default), e => e.Code == "1 BOOT" && e.At == T0.AddMinutes(5));
        Assert.Equal([task.Id], (await Store.TakeQueuedTasksAsync(Id(1), T0, default)).Select(t => t.Id));
    }

    [Fact]
    public async Task A_known_devices_task_outcome_for_another_devices_task_rejects_the_whole_session()
    {
        var known = await StoredAsync(1);
        await StoredAsync(2);
        var foreign = await Store.AddTaskAsync(Id(2), new NewTask("reboot", "{}", T0, null), default);
        var session = new SessionChanges(known with { LastEvents = "changed" }) { Known = known };
        session.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", "3.0"));
        session.Tasks.Add(new TaskUpdate(foreign.Id, DeviceTaskStatus.Done, "{}", null));

        await Assert.ThrowsAsync<StoreException>(() => Store.CommitSessionAsync(session, default));

        Assert.Equal(known, await Store.GetDeviceAsync(Id(1), default));
        Assert.Equal(["1.0"], (await Store.GetParametersAsync(Id(1), null, default)).Select(p => p.Value));
        Assert.Equal(DeviceTaskStatus.Queued, (await Store.GetTaskAsync(foreign.Id, default))!.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_path_first_met_by_a_rejected_session_is_stored_by_the_next_one(bool withTaskOutcome)
    {
        // A store may remember which paths it has interned, to skip interning them again: only what a commit kept counts.
        var known = await StoredAsync(1);
        await StoredAsync(2);
        var rejected = new SessionChanges(known with { LastEvents = "rejected" }) { Known = known };
        rejected.Parameters.Add(Value("Device.X_New.Path", "first"));
        if (withTaskOutcome)
        {
            var foreign = await Store.AddTaskAsync(Id(2), new NewTask("reboot", "{}", T0, null), default);
            rejected.Tasks.Add(new TaskUpdate(foreign.Id, DeviceTaskStatus.Done, "{}", null));
        }
        else
        {
            rejected.Parameters.Add(Value("Device.TooLong", new string('x', 70_000)));
        }

        await Assert.ThrowsAsync<StoreException>(() => Store.CommitSessionAsync(rejected, default));
        var next = new SessionChanges(known with { LastEvents = "next" }) { Known = known };
        next.Parameters.Add(Value("Device.X_New.Path", "second"));
        await Store.CommitSessionAsync(next, default);

        Assert.Contains(await Store.GetParametersAsync(Id(1), null, default), p => p.Path == "Device.X_New.Path" && p.Value == "second");
    }

    [Fact]
    public async Task A_device_deleted_during_a_session_without_task_outcomes_gets_nothing_of_it()
    {
        var known = await StoredAsync(1);
        Assert.True(await Store.DeleteDeviceAsync(Id(1), default));
        var session = new SessionChanges(known with { LastInformAt = T0.AddMinutes(5) }) { Known = known };
        session.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", "1.1"));
        session.Tags.Add(new TagChange("wifi-done", true));
        session.NewTasks.Add(new NewTask("reboot", "{}", T0, null));
        session.Events.Add(new DeviceEvent(T0.AddMinutes(5), "2 PERIODIC", null, null));

        await Store.CommitSessionAsync(session, default);

        Assert.Null(await Store.GetDeviceAsync(Id(1), default));
        Assert.Empty(await Store.GetParametersAsync(Id(1), null, default));
        Assert.Empty(await Store.ListEventsAsync(Id(1), 10, default));
        Assert.Equal(0, await Store.CountDevicesAsync(default));

        // Stored again later (a new first contact): it starts clean, without the deleted session's tags or tasks.
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        Assert.Empty(await Store.GetTagsAsync(Id(1), default));
        Assert.Empty(await Store.ListTasksAsync(Id(1), 10, default));
    }

    [Fact]
    public async Task Known_devices_sessions_committing_at_once_stand_or_fail_each_on_their_own()
    {
        // Periodic sessions of 48 stored devices commit at the same moment (a store may send them together); every third
        // writes a value the store refuses. Each refused one leaves its device as it was, and takes no other with it.
        var known = new Device[49];
        for (var n = 1; n <= 48; n++)
        {
            known[n] = await StoredAsync(n);
        }

        var outcomes = await CommitAtOnceEveryThirdRefusedAsync(n =>
        {
            var changes = new SessionChanges(known[n] with { SoftwareVersion = "2.0" }) { Known = known[n] };
            changes.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", "2.0"));
            changes.Events.Add(new DeviceEvent(T0.AddMinutes(n), "2 PERIODIC", null, null));
            return changes;
        });

        foreach (var (n, failure) in outcomes)
        {
            var stored = await Store.GetDeviceAsync(Id(n), default);
            var version = (await Store.GetParametersAsync(Id(n), null, default)).Single(p => p.Path == "Device.DeviceInfo.SoftwareVersion").Value;
            var periodic = (await Store.ListEventsAsync(Id(n), 10, default)).Any(e => e.Code == "2 PERIODIC");
            if (n % 3 == 0)
            {
                Assert.Equal((StoreErrorReason?)StoreErrorReason.Rejected, failure);
                Assert.Equal((known[n], "1.0", false), (stored, version, periodic));
            }
            else
            {
                Assert.Null(failure);
                Assert.Equal(("2.0", "2.0", true), (stored!.SoftwareVersion, version, periodic));
            }
        }
    }

    // The device stored by a first session with one cached parameter (SoftwareVersion 1.0), as the store reads it back.
    private async Task<Device> StoredAsync(int n)
    {
        var first = new SessionChanges(NewDevice(n));
        first.Parameters.Add(Value("Device.DeviceInfo.SoftwareVersion", "1.0"));
        await Store.CommitSessionAsync(first, default);
        return (await Store.GetDeviceAsync(Id(n), default))!;
    }
}
