using System.Data;
using Npgsql;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The store's connections, handed out last in, first out. Npgsql's pool keeps its idle connections in a first-in,
/// first-out channel (npgsql/npgsql#4818), so at any steady rate every connection a burst opened stays in turn, and each
/// statement runs on a PostgreSQL backend whose memory has left the CPU's caches. On a two-core machine at the fleet
/// bench's 500 sessions a second, that cost the cluster a third more CPU per session with 8 connections than with 2, and
/// twice as much with 32 (docs/performance.md, "Pool size"). Handed out from the top of a stack, the few connections the
/// rate needs stay warm, and the rest wait beneath them for the next burst.
/// <para>
/// Npgsql still opens, resets and closes the physical connections: a connection this stack has not handed out for
/// <see cref="IdleLifetime"/> goes back to Npgsql's pool, which closes it in its own time. The stack's gate lets no more
/// than the pool's size out at once, so Npgsql never makes a caller wait for a connection that sits here. A connection
/// comes back onto the stack only after work that ended normally, with nothing left running on it; after a failure it
/// goes back to Npgsql, which drops it if it broke. <see cref="Clear"/> drops every connection on the stack at once (the
/// server went away).
/// </para>
/// </summary>
internal sealed class ConnectionStack : IAsyncDisposable
{
    /// <summary>How long a connection may sit on the stack unused before it goes back to Npgsql's pool.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromSeconds(30);

    private readonly NpgsqlDataSource _source;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "Rentals still out when the stack is disposed release it afterwards; no wait handle is ever made, so it holds nothing to free.")]
    private readonly SemaphoreSlim _gate;
    private readonly TimeSpan _wait;
    private readonly TimeProvider _time;
    private readonly ITimer _pruning;
    private readonly List<(NpgsqlConnection Connection, long Since)> _idle = [];
    private readonly object _lock = new();
    private long _generation;
    private bool _disposed;

    /// <summary>A stack over <paramref name="source"/> that lets at most <paramref name="size"/> connections out at once.</summary>
    /// <param name="source">Npgsql's pool, which opens and closes the connections.</param>
    /// <param name="size">Most connections out at once: the pool's size.</param>
    /// <param name="time">The clock of the idle lifetime.</param>
    /// <param name="wait">How long a caller waits for one when all are out, before a <see cref="TimeoutException"/>.</param>
    public ConnectionStack(NpgsqlDataSource source, int size, TimeSpan wait, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _source = source;
        Size = size;
        _gate = new SemaphoreSlim(size, size);
        _wait = wait;
        _time = time;
        _pruning = time.CreateTimer(_ => Prune(), null, IdleLifetime / 3, IdleLifetime / 3);
    }

    /// <summary>Most connections out at once (the pool's size).</summary>
    public int Size { get; }

    /// <summary>Connections waiting on the stack.</summary>
    public int Idle
    {
        get
        {
            lock (_lock)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>
    /// The connection on top of the stack, or a new one from Npgsql when none waits. Dispose the rental to give it back;
    /// mark it <see cref="Rented.Done"/> first when the work on it ended normally, or it goes back to Npgsql instead.
    /// </summary>
    /// <exception cref="TimeoutException">Every connection stayed out for the whole wait.</exception>
    public async Task<Rented> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!await _gate.WaitAsync(_wait, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException(
                $"All {Size} of this node's database connections stayed busy for {_wait.TotalSeconds:0} s. Raise the pool's size (the URL's pool_max_conns), or look for long queries (pg_stat_activity).");
        }

        try
        {
            long generation;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                generation = _generation;
                if (_idle.Count > 0)
                {
                    var top = _idle[^1].Connection;
                    _idle.RemoveAt(_idle.Count - 1);
                    return new Rented(this, top, generation);
                }
            }

            return new Rented(this, await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false), generation);
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    /// <summary>Drops every connection on the stack (the server went away: each would fail once).</summary>
    public void Clear()
    {
        List<NpgsqlConnection> dropped;
        lock (_lock)
        {
            _generation++;
            dropped = _idle.ConvertAll(i => i.Connection);
            _idle.Clear();
        }

        Close(dropped);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        List<NpgsqlConnection> dropped;
        lock (_lock)
        {
            _disposed = true;
            dropped = _idle.ConvertAll(i => i.Connection);
            _idle.Clear();
        }

        _pruning.Dispose();
        Close(dropped);
        return ValueTask.CompletedTask;
    }

    // Connections unused for IdleLifetime go back to Npgsql, bottom of the stack first.
    private void Prune()
    {
        var dropped = new List<NpgsqlConnection>();
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            while (_idle.Count > 0 && _time.GetElapsedTime(_idle[0].Since, now) >= IdleLifetime)
            {
                dropped.Add(_idle[0].Connection);
                _idle.RemoveAt(0);
            }
        }

        Close(dropped);
    }

    private void Return(NpgsqlConnection connection, bool done, long generation)
    {
        try
        {
            // FullState is exactly Open when no reader is left open and the connection is not broken.
            if (done && connection.FullState == ConnectionState.Open)
            {
                lock (_lock)
                {
                    if (!_disposed && generation == _generation)
                    {
                        _idle.Add((connection, _time.GetTimestamp()));
                        return;
                    }
                }
            }

            connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void Close(List<NpgsqlConnection> connections)
    {
        foreach (var connection in connections)
        {
            connection.Dispose();
        }
    }

    /// <summary>A connection out of the stack until disposed.</summary>
    public sealed class Rented : IAsyncDisposable
    {
        private readonly ConnectionStack _stack;
        private readonly long _generation;
        private bool _returned;

        internal Rented(ConnectionStack stack, NpgsqlConnection connection, long generation)
        {
            _stack = stack;
            Connection = connection;
            _generation = generation;
        }

        /// <summary>The open connection.</summary>
        public NpgsqlConnection Connection { get; }

        /// <summary>Set when the work on the connection ended normally: it may go back on the stack.</summary>
        public bool Done { get; set; }

        /// <inheritdoc />
        public ValueTask DisposeAsync()
        {
            if (!_returned)
            {
                _returned = true;
                _stack.Return(Connection, Done, _generation);
            }

            return ValueTask.CompletedTask;
        }
    }
}
