using System.Collections.Concurrent;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Tasks;

/// <summary>Lets an API request wait for a task's outcome, signalled when a session commits it.</summary>
public sealed class TaskWaiter
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();

    public void OnCommitted(IReadOnlyList<TaskUpdate> updates)
    {
        foreach (var update in updates)
        {
            if (update.Status != DeviceTaskStatus.Queued && _waiting.TryRemove(update.TaskId, out var signal))
            {
                signal.TrySetResult();
            }
        }
    }

    /// <summary>Signals the waiters of <paramref name="taskIds"/>, whose outcome another node committed (<see cref="ITaskOutcomeFeed"/>).</summary>
    public void OnFinished(IReadOnlyList<long> taskIds)
    {
        ArgumentNullException.ThrowIfNull(taskIds);
        foreach (var id in taskIds)
        {
            if (_waiting.TryRemove(id, out var signal))
            {
                signal.TrySetResult();
            }
        }
    }

    /// <summary>Completes when the task gets an outcome or the timeout passes (whichever first).</summary>
    public async Task WaitAsync(long taskId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signal = _waiting.GetOrAdd(taskId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await signal.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            _waiting.TryRemove(new KeyValuePair<long, TaskCompletionSource>(taskId, signal));
        }
    }
}
