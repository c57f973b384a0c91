using Palisade.Acs.Storage;

namespace Palisade.Acs.Tasks;

/// <summary>
/// Keeps the task history bounded. Every finished task is kept with its result (a GetParameterValues of 50
/// parameters is several kilobytes), so a fleet polled daily would grow the store without end; those that finished
/// longer than <paramref name="keep"/> ago are deleted, a bounded batch per transaction so that sessions' commits
/// are never held up for long. Queued tasks are never touched.
/// </summary>
public sealed class TaskHistory(ITaskStore store, TimeSpan keep, TimeProvider time)
{
    /// <summary>Tasks deleted per transaction.</summary>
    public const int BatchSize = 1000;

    /// <summary>How long a finished task is kept.</summary>
    public TimeSpan Keep => keep;

    /// <summary>Deletes every finished task older than <see cref="Keep"/>; returns how many went.</summary>
    public async Task<long> PruneAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - keep;
        long deleted = 0;
        int batch;
        do
        {
            batch = await store.DeleteFinishedTasksAsync(before, BatchSize, cancellationToken).ConfigureAwait(false);
            deleted += batch;
        }
        while (batch == BatchSize);

        return deleted;
    }
}
