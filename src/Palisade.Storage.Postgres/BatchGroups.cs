using Npgsql;

namespace Palisade.Storage.Postgres;

/// <summary>What became of a batch handed to <see cref="BatchGroups{T}"/>.</summary>
/// <param name="Value">What its reader returned (when it committed and has one).</param>
/// <param name="Failure">Why it did not commit: a <see cref="PostgresException"/> for this batch alone, or whatever broke the round trip it was in; null when it committed.</param>
/// <param name="RunAlone">Not known to have committed, or known not to have run through no fault of its own, with nothing broken: run it again on its own (the statements must allow that).</param>
internal readonly record struct GroupOutcome<T>(T? Value, Exception? Failure, bool RunAlone);

/// <summary>
/// Sends the batches that callers hand in at the same moment in one round trip, each still a transaction of its own.
/// Each caller's statements end with an error barrier (a Sync message), so PostgreSQL runs them as one implicit
/// transaction, commits it, and goes on to the next caller's whatever became of it. One round trip per instance is in
/// flight at a time; batches that arrive meanwhile wait for the next, so under load each round trip carries several
/// sessions' statements, and PostgreSQL wakes a backend once for all of them instead of once each (docs/performance.md,
/// "Grouped round trips"). Another starts beside it, up to the instance's limit, when <see cref="Deep"/> batches wait or
/// the last one started has run for <see cref="Stalled"/>.
/// <para>
/// Writes without results (no reader): a caller's transaction committed when its last statement ran (Npgsql records how
/// it completed; a statement skipped after an error has no record). PostgreSQL reports the errors of the failed ones
/// in order, one per failed transaction, and each goes to its own caller.
/// </para>
/// <para>
/// Batches with results (a reader per caller, which reads exactly its own statements' results): Npgsql cannot go on
/// reading after an error, so when any statement fails, every caller of that round trip is told to run its batch again on
/// its own (<see cref="GroupOutcome{T}.RunAlone"/>); such batches must give the same answer when run twice.
/// </para>
/// <para>
/// When the round trip itself fails (the connection broke, the server went away), whether any of it committed is
/// unknown, as for a single batch: every caller in it is given that failure.
/// </para>
/// </summary>
internal sealed class BatchGroups<T>(ConnectionStack connections, int maxFlushers, Action<Exception> broken, TimeProvider time)
{
    /// <summary>Most callers' batches in one round trip.</summary>
    public const int MaxGroup = 32;

    /// <summary>
    /// Batches waiting that start another round trip beside those in flight. One PostgreSQL backend runs a round trip's
    /// transactions one after another, so when sessions arrive faster than one backend commits them, more round trips
    /// run side by side (docs/performance.md, <c>pg-scale</c> under "Grouped round trips").
    /// </summary>
    public const int Deep = 4;

    /// <summary>
    /// How long a round trip may run before the batches behind it go in another: one that waits on a row lock (an
    /// operator's long transaction) must not hold up every other session's commit.
    /// </summary>
    public static readonly TimeSpan Stalled = TimeSpan.FromMilliseconds(100);

    private readonly Queue<Pending> _queue = new();
    private readonly Lock _lock = new();
    private int _flushers;
    private long _lastStarted;
    private long _flushes;
    private long _batches;

    /// <summary>Round trips started so far, and the callers' batches they carried.</summary>
    public (long Flushes, long Batches) Counts => (Interlocked.Read(ref _flushes), Interlocked.Read(ref _batches));

    /// <summary>
    /// Runs <paramref name="commands"/> as one transaction, grouped with others' waiting at the same moment; then
    /// <paramref name="read"/>, when given, reads its results (it starts on the first statement's result and moves on with
    /// <c>NextResultAsync</c> through its own, no further). An instance runs either batches with
    /// readers or batches without, not both.
    /// </summary>
    public Task<GroupOutcome<T>> RunAsync(IReadOnlyList<NpgsqlBatchCommand> commands, Func<NpgsqlDataReader, Task<T>>? read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentOutOfRangeException.ThrowIfZero(commands.Count);
        var pending = new Pending(commands, read, cancellationToken);
        bool lead;
        lock (_lock)
        {
            _queue.Enqueue(pending);
            lead = _flushers == 0 || (_flushers < maxFlushers && (_queue.Count >= Deep || time.GetElapsedTime(_lastStarted) >= Stalled));
            if (lead)
            {
                _flushers++;
                _lastStarted = time.GetTimestamp();
            }
        }

        if (lead)
        {
            _ = Task.Run(FlushAllAsync, CancellationToken.None);
        }

        return pending.Outcome.Task;
    }

    private async Task FlushAllAsync()
    {
        var group = new List<Pending>(MaxGroup);
        while (true)
        {
            lock (_lock)
            {
                while (group.Count < MaxGroup && _queue.TryDequeue(out var next))
                {
                    if (next.Cancellation.IsCancellationRequested)
                    {
                        // Given up before it was sent: nothing of it ran.
                        next.Outcome.SetResult(new GroupOutcome<T>(default, new OperationCanceledException(next.Cancellation), false));
                        continue;
                    }

                    group.Add(next);
                }

                if (group.Count == 0)
                {
                    _flushers--;
                    return;
                }

                _lastStarted = time.GetTimestamp();
            }

            Interlocked.Increment(ref _flushes);
            Interlocked.Add(ref _batches, group.Count);
            await FlushAsync(group).ConfigureAwait(false);
            group.Clear();
        }
    }

    private async Task FlushAsync(List<Pending> group)
    {
        var values = new T?[group.Count];
        var errors = new List<Exception>();
        var runAlone = false;
        try
        {
            await using var rented = await connections.RentAsync(CancellationToken.None).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(rented.Connection);
            foreach (var pending in group)
            {
                foreach (var command in pending.Commands)
                {
                    command.AppendErrorBarrier = false;
                    batch.BatchCommands.Add(command);
                }

                pending.Commands[^1].AppendErrorBarrier = true;
            }

            try
            {
                if (group[0].Read is null)
                {
                    await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
                    for (var i = 0; i < group.Count; i++)
                    {
                        if (i > 0 && !await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false))
                        {
                            throw new InvalidOperationException("A grouped batch's reader read past its own results.");
                        }

                        values[i] = await group[i].Read!(reader).ConfigureAwait(false);
                    }
                }
            }
            catch (PostgresException e) when (!Fatal(e))
            {
                errors.Add(e);
            }
            catch (NpgsqlException e) when (e.InnerException is AggregateException all && all.InnerExceptions.All(i => i is PostgresException p && !Fatal(p)))
            {
                // More than one caller's transaction failed: Npgsql read every result and tells each error.
                errors.AddRange(all.InnerExceptions);
            }

            // Every result was read (Npgsql reads to the end after an error, and a reader's disposal does): the connection
            // is as it was before the round trip, unless its prepared statements need starting afresh.
            runAlone = errors.Count > 0 && group[0].Read is not null;
            rented.Done = true;
            if (errors.Exists(Unprepared))
            {
                rented.Done = Unprepare(rented.Connection);
            }
        }
        catch (Exception e)
        {
            broken(e);
            foreach (var pending in group)
            {
                pending.Outcome.SetResult(new GroupOutcome<T>(default, e, false));
            }

            return;
        }

        var failed = 0;
        for (var i = 0; i < group.Count; i++)
        {
            var pending = group[i];
            if (runAlone)
            {
                pending.Outcome.SetResult(new GroupOutcome<T>(default, null, true));
            }
            else if (Ran(pending.Commands[^1]) || (pending.Read is not null && errors.Count == 0))
            {
                pending.Outcome.SetResult(new GroupOutcome<T>(values[i], null, false));
            }
            else
            {
                var error = failed < errors.Count ? errors[failed] : new NpgsqlException("PostgreSQL did not say why the write failed; nothing of it was written.");
                pending.Outcome.SetResult(Unprepared(error) ? new GroupOutcome<T>(default, null, true) : new GroupOutcome<T>(default, error, false));
                failed++;
            }
        }
    }

    // Whether PostgreSQL ran the statement: it reported how it completed. One skipped after an error in its transaction
    // has neither a count of rows (RecordsAffected stays -1, as it is for any SELECT) nor a type.
    private static bool Ran(NpgsqlBatchCommand command) => command.RecordsAffected >= 0 || command.StatementType != StatementType.Unknown;

    // "prepared statement … does not exist" (26000). A statement first used by a caller whose transaction failed before
    // reaching it was never prepared, yet Npgsql (which auto-prepares) sent the later callers' uses of it by name: its
    // bookkeeping does not follow error barriers. Those callers' transactions did not run; they run alone.
    private static bool Unprepared(Exception e) => e is PostgresException { SqlState: "26000" };

    // Drops the connection's prepared statements on both sides (rare: see Unprepared); false when that failed, and the
    // connection goes back to Npgsql, not onto the stack. The round trip's outcomes are known either way.
    private static bool Unprepare(NpgsqlConnection connection)
    {
        try
        {
            connection.UnprepareAll();
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    // An error that ends the connection (the server shut down, or an operator ended the backend): the round trip broke.
    private static bool Fatal(PostgresException e) => e.InvariantSeverity is "FATAL" or "PANIC";

    private sealed class Pending(IReadOnlyList<NpgsqlBatchCommand> commands, Func<NpgsqlDataReader, Task<T>>? read, CancellationToken cancellation)
    {
        public IReadOnlyList<NpgsqlBatchCommand> Commands { get; } = commands;

        public Func<NpgsqlDataReader, Task<T>>? Read { get; } = read;

        public CancellationToken Cancellation { get; } = cancellation;

        public TaskCompletionSource<GroupOutcome<T>> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
