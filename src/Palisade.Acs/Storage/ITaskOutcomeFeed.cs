namespace Palisade.Acs.Storage;

/// <summary>
/// Tells of task outcomes committed by any node sharing the store. A store that several nodes share provides it, so
/// that an API request waiting on one node for a task (<c>?connection_request&amp;timeout=</c>) hears of the session that
/// ran it on another. A store of one process need not: the engine tells its own waiters.
/// </summary>
public interface ITaskOutcomeFeed
{
    /// <summary>Raised with the ids of tasks that got an outcome (done, faulted), on any node, once committed.</summary>
    event Action<IReadOnlyList<long>>? TasksFinished;
}
