using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Palisade.Testing;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>
/// The store's connections are handed out last in, first out, on a real server: a steady rate keeps using the same few
/// backends, no more than the pool's size are out, and nothing broken or unfinished is handed out again.
/// </summary>
public sealed class ConnectionStackTests : IAsyncLifetime
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { MaxPoolSize = 8 }.ConnectionString);
    private readonly FakeTimeProvider _time = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _source.DisposeAsync();

    [Fact]
    public async Task The_connection_given_back_last_is_handed_out_first()
    {
        await using var stack = new ConnectionStack(_source, 4, TimeSpan.FromSeconds(5), _time);
        var a = await stack.RentAsync(CancellationToken.None);
        var b = await stack.RentAsync(CancellationToken.None);
        var c = await stack.RentAsync(CancellationToken.None);
        var pids = new[] { a, b, c }.Select(r => r.Connection.ProcessID).ToArray();
        foreach (var rented in new[] { a, b, c })
        {
            await GiveBackAsync(rented);
        }

        await using var first = await stack.RentAsync(CancellationToken.None);
        await using var second = await stack.RentAsync(CancellationToken.None);

        Assert.Equal((pids[2], pids[1]), (first.Connection.ProcessID, second.Connection.ProcessID));
        Assert.Equal(1, stack.Idle);
    }

    [Fact]
    public async Task After_a_burst_a_steady_rate_keeps_to_one_backend()
    {
        await using var stack = new ConnectionStack(_source, 8, TimeSpan.FromSeconds(5), _time);
        var burst = new List<ConnectionStack.Rented>();
        for (var i = 0; i < 6; i++)
        {
            burst.Add(await stack.RentAsync(CancellationToken.None));
        }

        foreach (var rented in burst)
        {
            await GiveBackAsync(rented);
        }

        var used = new HashSet<int>();
        for (var i = 0; i < 50; i++)
        {
            await using var rented = await stack.RentAsync(CancellationToken.None);
            await using (var command = new NpgsqlCommand("SELECT pg_backend_pid()", rented.Connection))
            {
                used.Add((int)(await command.ExecuteScalarAsync())!);
            }

            rented.Done = true;
        }

        Assert.Single(used);
        Assert.Equal(6, stack.Idle);
    }

    [Fact]
    public async Task Unfinished_work_or_an_open_reader_sends_the_connection_back_to_npgsql()
    {
        await using var stack = new ConnectionStack(_source, 4, TimeSpan.FromSeconds(5), _time);
        await using (var failed = await stack.RentAsync(CancellationToken.None))
        {
            // Not marked done: the work failed part of the way.
        }

        var reading = await stack.RentAsync(CancellationToken.None);
        var command = new NpgsqlCommand("SELECT generate_series(1, 10)", reading.Connection);
        var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        await GiveBackAsync(reading);

        Assert.Equal(0, stack.Idle);
        await reader.DisposeAsync();
        await command.DisposeAsync();
    }

    [Fact]
    public async Task No_more_than_the_size_are_out_and_a_waiter_is_told_what_to_do()
    {
        await using var stack = new ConnectionStack(_source, 2, TimeSpan.FromMilliseconds(300), TimeProvider.System);
        var a = await stack.RentAsync(CancellationToken.None);
        await using var b = await stack.RentAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => stack.RentAsync(CancellationToken.None));
        Assert.Contains("All 2 of this node's database connections", error.Message, StringComparison.Ordinal);
        Assert.Contains("pool_max_conns", error.Message, StringComparison.Ordinal);

        var pid = a.Connection.ProcessID;
        var waiting = stack.RentAsync(CancellationToken.None);
        await GiveBackAsync(a);
        await using var handed = await waiting;
        Assert.Equal(pid, handed.Connection.ProcessID);
    }

    [Fact]
    public async Task A_connection_unused_for_its_idle_lifetime_goes_back_to_npgsql_bottom_first()
    {
        await using var stack = new ConnectionStack(_source, 4, TimeSpan.FromSeconds(5), _time);
        var older = await stack.RentAsync(CancellationToken.None);
        var newer = await stack.RentAsync(CancellationToken.None);
        var kept = newer.Connection.ProcessID;
        await GiveBackAsync(older);
        _time.Advance(TimeSpan.FromSeconds(20));
        await GiveBackAsync(newer);

        _time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(1, stack.Idle);
        await using var top = await stack.RentAsync(CancellationToken.None);
        Assert.Equal(kept, top.Connection.ProcessID);
    }

    [Fact]
    public async Task Clear_drops_the_waiting_connections_and_those_still_out()
    {
        await using var stack = new ConnectionStack(_source, 4, TimeSpan.FromSeconds(5), _time);
        var waiting = await stack.RentAsync(CancellationToken.None);
        var outside = await stack.RentAsync(CancellationToken.None);
        await GiveBackAsync(waiting);
        Assert.Equal(1, stack.Idle);

        stack.Clear();
        await GiveBackAsync(outside);

        Assert.Equal(0, stack.Idle);
    }

    [Fact]
    public async Task A_connection_whose_backend_was_ended_fails_once_and_is_not_handed_out_again()
    {
        await using var stack = new ConnectionStack(_source, 4, TimeSpan.FromSeconds(5), _time);
        int pid;
        await using (var rented = await stack.RentAsync(CancellationToken.None))
        {
            pid = rented.Connection.ProcessID;
            rented.Done = true;
        }

        await using (var admin = await _source.OpenConnectionAsync())
        await using (var terminate = new NpgsqlCommand("SELECT pg_terminate_backend($1, 5000)", admin) { Parameters = { new NpgsqlParameter { Value = pid } } })
        {
            Assert.True((bool)(await terminate.ExecuteScalarAsync())!);
        }

        await using (var dead = await stack.RentAsync(CancellationToken.None))
        {
            Assert.Equal(pid, dead.Connection.ProcessID);
            await using var command = new NpgsqlCommand("SELECT 1", dead.Connection);
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => command.ExecuteScalarAsync());
        }

        await using var fresh = await stack.RentAsync(CancellationToken.None);
        await using var works = new NpgsqlCommand("SELECT 1", fresh.Connection);
        Assert.Equal(1, await works.ExecuteScalarAsync());
        Assert.NotEqual(pid, fresh.Connection.ProcessID);
    }

    // Gives a rental back after work that ended normally.
    private static async Task GiveBackAsync(ConnectionStack.Rented rented)
    {
        rented.Done = true;
        await rented.DisposeAsync();
    }
}
