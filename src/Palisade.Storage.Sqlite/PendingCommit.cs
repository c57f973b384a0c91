using Palisade.Acs.Storage;

namespace Palisade.Storage.Sqlite;

/// <summary>How a session waiting for the group commit is woken.</summary>
internal enum CommitOutcome
{
    Committed,

    /// <summary>Not committed yet: the waiter now leads and commits it.</summary>
    Lead,
}

/// <summary>A session queued for the group commit (<see cref="SqliteSessionStore"/>).</summary>
internal sealed class PendingCommit(SessionChanges changes, CancellationToken cancellation)
{
    public SessionChanges Changes { get; } = changes;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>What a waiting session is woken with. Continuations run on the thread pool, not inside the leader's batch.</summary>
    public TaskCompletionSource<CommitOutcome> Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Its own session runs the commits (nobody waits on <see cref="Signal"/> for the outcome).</summary>
    public bool Leads { get; set; }

    /// <summary>Set by the leader that dequeued it to hand over the lead.</summary>
    public bool Taken { get; set; }

    public bool Finished { get; private set; }

    public Exception? Failure { get; private set; }

    /// <summary>Records the outcome once (later calls are ignored) and wakes the session if it waits.</summary>
    public void Finish(Exception? failure)
    {
        if (Finished)
        {
            return;
        }

        Finished = true;
        Failure = failure;
        if (Leads)
        {
            return;
        }

        if (failure is null)
        {
            Signal.SetResult(CommitOutcome.Committed);
        }
        else
        {
            Signal.SetException(failure);
        }
    }
}
