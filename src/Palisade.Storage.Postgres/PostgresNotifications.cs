using Npgsql;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Task outcomes told across nodes with LISTEN/NOTIFY: a session commit that finishes tasks notifies the store's
/// channel (delivered when the transaction commits, never for one rolled back); each node that has a waiter listens on
/// one connection of its own and hears every node's commits, its own included. The listening starts with the first
/// subscriber and reconnects by itself when the database goes away.
/// </summary>
internal sealed class PostgresNotifications(ConnectionStack connections, string channel) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Action<IReadOnlyList<long>>? _handlers;
    private Task? _listening;

    /// <summary>The channel of this store (one per schema, so stores sharing a database do not hear each other).</summary>
    public string Channel => channel;

    public event Action<IReadOnlyList<long>>? TasksFinished
    {
        add
        {
            lock (_gate)
            {
                _handlers += value;
                _listening ??= Task.Run(() => ListenAsync(_stop.Token));
            }
        }

        remove
        {
            lock (_gate)
            {
                _handlers -= value;
            }
        }
    }

    /// <summary>The statement a commit adds to tell of finished tasks: <c>SELECT pg_notify($1, $2)</c> with the channel and the ids.</summary>
    public NpgsqlBatchCommand Notify(IEnumerable<long> taskIds) =>
        new NpgsqlBatchCommand("SELECT pg_notify($1, $2)").With(
            Parameters.Text(channel),
            Parameters.Text(string.Join(',', taskIds.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)))));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_listening is { } listening)
        {
            try
            {
                await listening.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Held for as long as the node listens (one of the pool's connections), and given back to Npgsql, not to
                // the stack, when it stops.
                await using var rented = await connections.RentAsync(cancellationToken).ConfigureAwait(false);
                var connection = rented.Connection;
                connection.Notification += (_, e) => Deliver(e.Payload);
                await using (var listen = PostgresDatabase.Command(connection, null, "LISTEN " + QuoteIdentifier(channel)))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                delay = TimeSpan.FromMilliseconds(200);
                try
                {
                    while (true)
                    {
                        await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    await UnlistenAsync(connection).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or IOException)
            {
                // The database went away (a restart, a failover): listen again once it is back. A waiter that missed a
                // notification meanwhile still ends at its own timeout, and then reads the task as stored.
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    // The pool does not reset a connection it takes back (PostgresDatabase: No Reset On Close): one still open stops
    // listening before it goes back, so no other user of it is sent this channel's notifications.
    private async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var unlisten = PostgresDatabase.Command(connection, null, "UNLISTEN " + QuoteIdentifier(channel));
            unlisten.CommandTimeout = 5;
            await unlisten.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or IOException or InvalidOperationException)
        {
            // Broken meanwhile: the pool drops a broken connection, and its LISTEN with it.
        }
    }

    private void Deliver(string payload)
    {
        var ids = new List<long>();
        foreach (var part in payload.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (long.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                ids.Add(id);
            }
        }

        if (ids.Count > 0)
        {
            _handlers?.Invoke(ids);
        }
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
