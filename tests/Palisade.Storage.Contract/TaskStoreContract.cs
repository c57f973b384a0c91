using Palisade.Acs.Query;
using Palisade.Acs.Storage;

namespace Palisade.Storage.Contract;

/// <summary>What every store does for the task queue (ITaskStore): queueing, cancelling, retrying, faults and pruning.</summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class TaskStoreContract<TFactory> : StoreContract<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task Only_queued_tasks_can_be_cancelled()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var task = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0, null), default);

        Assert.True(await Store.CancelTaskAsync(task.Id, T0, default));
        Assert.False(await Store.CancelTaskAsync(task.Id, T0, default));
        Assert.Equal(DeviceTaskStatus.Cancelled, (await Store.GetTaskAsync(task.Id, default))!.Status);
    }

    [Fact]
    public async Task Finished_tasks_older_than_the_cut_off_are_deleted_in_bounded_batches_and_queued_ones_never()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var old = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var task = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0, null), default);
            Assert.True(await Store.CancelTaskAsync(task.Id, T0.AddDays(-40 + i), default));
            old.Add(task.Id);
        }

        var recent = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0, null), default);
        Assert.True(await Store.CancelTaskAsync(recent.Id, T0.AddDays(-1), default));
        var queued = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0.AddDays(-90), null), default);

        // Two per batch: the two oldest first, then the third; the recent and the queued task stay.
        Assert.Equal(2, await Store.DeleteFinishedTasksAsync(T0.AddDays(-30), 2, default));
        Assert.Null(await Store.GetTaskAsync(old[0], default));
        Assert.Null(await Store.GetTaskAsync(old[1], default));
        Assert.NotNull(await Store.GetTaskAsync(old[2], default));
        Assert.Equal(1, await Store.DeleteFinishedTasksAsync(T0.AddDays(-30), 2, default));
        Assert.Equal(0, await Store.DeleteFinishedTasksAsync(T0.AddDays(-30), 2, default));
        Assert.Equal([queued.Id, recent.Id], (await Store.ListTasksAsync(Id(1), 10, default)).Select(t => t.Id));
    }

    [Fact]
    public async Task A_task_for_an_unknown_device_is_refused()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.AddTaskAsync(Id(9), new NewTask("reboot", "{}", T0, null), default));

        Assert.Equal(StoreErrorReason.NotFound, error.Reason);
    }

    [Fact]
    public async Task Faults_are_listed_retried_and_cleared()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), CancellationToken.None);
        var task = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{\"name\":\"reboot\"}", T0, null), CancellationToken.None);
        var changes = new SessionChanges(NewDevice(1));
        changes.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Faulted, null, new TaskFault(9002, "Internal error", null)));
        await Store.CommitSessionAsync(changes, CancellationToken.None);

        Assert.Equal(task.Id, Assert.Single(await Store.ListFaultsAsync(null, null, 10, CancellationToken.None)).Id);
        Assert.Single(await Store.ListFaultsAsync(Id(1), null, 10, CancellationToken.None));
        Assert.Single(await Store.ListFaultsAsync(null, FilterParser.Parse("serialNumber = \"" + Id(1).SerialNumber + "\"", Now), 10, CancellationToken.None));
        Assert.Empty(await Store.ListFaultsAsync(null, FilterParser.Parse("serialNumber = \"nobody\"", Now), 10, CancellationToken.None));
        var retried = await Store.RetryTaskAsync(task.Id, Now, null, CancellationToken.None);
        Assert.Equal(DeviceTaskStatus.Queued, retried!.Status);
        Assert.Null(retried.Fault);
        Assert.Null(await Store.RetryTaskAsync(task.Id, Now, null, CancellationToken.None));
        Assert.Empty(await Store.ListFaultsAsync(null, null, 10, CancellationToken.None));
        Assert.False(await Store.ClearFaultAsync(task.Id, CancellationToken.None));
    }
}
