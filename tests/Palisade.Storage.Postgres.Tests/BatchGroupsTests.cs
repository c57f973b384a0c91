using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Palisade.Testing;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>
/// Batches handed in while a round trip is in flight go together in the next one, on a real server, each still its own
/// transaction: one that fails takes no other with it, and each caller learns its own outcome.
/// </summary>
public sealed class BatchGroupsTests : IAsyncLifetime
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");
    private NpgsqlDataSource _source = null!;
    private ConnectionStack _connections = null!;
    private readonly List<Exception> _broken = [];
    private readonly FakeTimeProvider _time = new();

    public async Task InitializeAsync()
    {
        _source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(TestPostgres.CreateSchema(_schema)) { MaxPoolSize = 4 }.ConnectionString);
        _connections = new ConnectionStack(_source, 4, TimeSpan.FromSeconds(5), _time);
        await using var connection = await _source.OpenConnectionAsync();
        await using var create = new NpgsqlCommand("CREATE TABLE items (id integer PRIMARY KEY, note text NOT NULL)", connection);
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _connections.DisposeAsync();
        await _source.DisposeAsync();
        TestPostgres.DropSchema(_schema);
    }

    [Fact]
    public async Task Batches_handed_in_during_a_round_trip_go_together_in_the_next_and_each_fails_alone()
    {
        var groups = new BatchGroups<bool>(_connections, 2, _broken.Add, _time);
        var slow = groups.RunAsync([Insert(100), Slow()], null, CancellationToken.None);
        await Eventually.HoldsAsync(SlowRuns, "the first round trip is in flight", TimeSpan.FromSeconds(10));

        // Handed in while the first round trip runs, fewer than make the queue deep: 1 and 3 try to insert an id that is
        // already there by then.
        var waiting = Enumerable.Range(1, BatchGroups<bool>.Deep - 1).Select(n => groups.RunAsync([Insert(n), Insert(n % 2 == 1 ? 100 : 10 + n)], null, CancellationToken.None)).ToList();

        Assert.Null((await slow).Failure);
        var outcomes = await Task.WhenAll(waiting);

        Assert.Equal((2L, 4L), groups.Counts);
        Assert.Equal(["23505", null, "23505"], outcomes.Select(o => (o.Failure as PostgresException)?.SqlState));
        Assert.Equal("2,12,100", await Ids());
        Assert.Empty(_broken);
    }

    [Fact]
    public async Task Batches_with_readers_read_their_own_results()
    {
        var groups = new BatchGroups<string>(_connections, 2, _broken.Add, _time);
        var slow = groups.RunAsync([Slow("'slow'")], ReadOne, CancellationToken.None);
        await Eventually.HoldsAsync(SlowRuns, "the first round trip is in flight", TimeSpan.FromSeconds(10));
        var waiting = Enumerable.Range(1, 3).Select(n => groups.RunAsync([Command($"SELECT 'first {n}'"), Command($"SELECT 'second {n}'")], ReadTwo, CancellationToken.None)).ToList();

        Assert.Equal("slow", (await slow).Value);
        Assert.Equal(["first 1/second 1", "first 2/second 2", "first 3/second 3"], (await Task.WhenAll(waiting)).Select(o => o.Value));
        Assert.Equal((2L, 4L), groups.Counts);
    }

    [Fact]
    public async Task When_a_reader_batch_fails_every_caller_of_its_round_trip_is_told_to_run_alone()
    {
        var groups = new BatchGroups<string>(_connections, 2, _broken.Add, _time);
        var slow = groups.RunAsync([Slow("'slow'")], ReadOne, CancellationToken.None);
        await Eventually.HoldsAsync(SlowRuns, "the first round trip is in flight", TimeSpan.FromSeconds(10));
        var good = groups.RunAsync([Command("SELECT 'fine'")], ReadOne, CancellationToken.None);
        var bad = groups.RunAsync([Command("SELECT (1 / 0)::text")], ReadOne, CancellationToken.None);

        await slow;
        Assert.Equal([(true, (Exception?)null), (true, null)], (await Task.WhenAll(good, bad)).Select(o => (o.RunAlone, o.Failure)));
        Assert.Empty(_broken);
    }

    [Fact]
    public async Task A_round_trip_that_breaks_fails_every_caller_in_it_and_is_reported()
    {
        var groups = new BatchGroups<bool>(_connections, 2, _broken.Add, _time);
        var slow = groups.RunAsync([Slow()], null, CancellationToken.None);
        await Eventually.HoldsAsync(SlowRuns, "the first round trip is in flight", TimeSpan.FromSeconds(10));
        var killer = groups.RunAsync([Command("SELECT pg_terminate_backend(pg_backend_pid())")], null, CancellationToken.None);
        var bystander = groups.RunAsync([Insert(7)], null, CancellationToken.None);

        await slow;
        var outcomes = await Task.WhenAll(killer, bystander);

        Assert.All(outcomes, o => Assert.IsAssignableFrom<NpgsqlException>(o.Failure));
        Assert.NotEmpty(_broken);
        Assert.Null((await groups.RunAsync([Insert(8)], null, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task A_round_trip_that_waits_long_does_not_hold_up_the_batches_behind_it()
    {
        var groups = new BatchGroups<bool>(_connections, 2, _broken.Add, _time);
        var slow = groups.RunAsync([Slow()], null, CancellationToken.None);
        await Eventually.HoldsAsync(SlowRuns, "the first round trip is in flight", TimeSpan.FromSeconds(10));
        _time.Advance(BatchGroups<bool>.Stalled);

        Assert.Null((await groups.RunAsync([Insert(1)], null, CancellationToken.None)).Failure);

        Assert.False(slow.IsCompleted);
        Assert.Null((await slow).Failure);
    }

    [Fact]
    public async Task A_deep_queue_gets_a_round_trip_beside_the_one_in_flight_up_to_the_limit()
    {
        var groups = new BatchGroups<bool>(_connections, 2, _broken.Add, _time);
        var first = groups.RunAsync([Slow()], null, CancellationToken.None);
        await Eventually.HoldsAsync(SlowRuns, "the first round trip is in flight", TimeSpan.FromSeconds(10));

        // Batches wait behind it until the queue is deep; then a second round trip takes them all, one of them slow.
        var second = groups.RunAsync([Slow()], null, CancellationToken.None);
        var beside = Enumerable.Range(1, BatchGroups<bool>.Deep - 1).Select(n => groups.RunAsync([Insert(n)], null, CancellationToken.None)).ToList();
        await Eventually.HoldsAsync(() => SlowRunning() == 2, "the second round trip is in flight beside the first", TimeSpan.FromSeconds(10));

        // As many more: deep again, but two round trips are the limit, so they wait for one of the slow ones to end.
        var behind = Enumerable.Range(11, BatchGroups<bool>.Deep).Select(n => groups.RunAsync([Insert(n)], null, CancellationToken.None)).ToList();

        Assert.All(await Task.WhenAll([second, .. beside]), o => Assert.Null(o.Failure));
        await Task.WhenAny(behind);
        Assert.True(first.IsCompleted || second.IsCompleted);
        Assert.All(await Task.WhenAll([first, .. behind]), o => Assert.Null(o.Failure));
        Assert.Equal((3L, 1L + (2 * BatchGroups<bool>.Deep)), groups.Counts);
    }

    [Fact]
    public async Task A_caller_whose_statement_another_failed_to_prepare_runs_alone_instead_of_failing()
    {
        // Npgsql prepares a statement on its second use here, where the round trip first uses it: in the first caller's
        // transaction. That transaction fails before it gets there, so the server skips the preparation, and the second
        // caller's use of the statement by name would fail ("prepared statement … does not exist", 26000).
        var settings = new NpgsqlConnectionStringBuilder(_source.ConnectionString) { MaxAutoPrepare = 10, AutoPrepareMinUsages = 2, MaxPoolSize = 1 };
        await using var source = NpgsqlDataSource.Create(settings.ConnectionString);
        await using var connections = new ConnectionStack(source, 1, TimeSpan.FromSeconds(5), _time);
        var groups = new BatchGroups<bool>(connections, 1, _broken.Add, _time);
        Assert.Null((await groups.RunAsync([Insert(1)], null, CancellationToken.None)).Failure);
        var slow = groups.RunAsync([Slow()], null, CancellationToken.None);
        await Eventually.HoldsAsync(SlowRuns, "the first round trip is in flight", TimeSpan.FromSeconds(10));

        var failing = groups.RunAsync([Command("SELECT 1 / 0"), Insert(2)], null, CancellationToken.None);
        var bystander = groups.RunAsync([Insert(3)], null, CancellationToken.None);
        await slow;

        Assert.Equal("22012", ((await failing).Failure as PostgresException)?.SqlState);
        var outcome = await bystander;
        Assert.Null(outcome.Failure);
        Assert.True(outcome.RunAlone, "the bystander should be told to run alone");
        Assert.Null((await groups.RunAsync([Insert(3)], null, CancellationToken.None)).Failure);
        Assert.Null((await groups.RunAsync([Insert(4)], null, CancellationToken.None)).Failure);
        Assert.Equal("1,3,4", await Ids());
        Assert.Empty(_broken);
    }

    [Fact]
    public async Task A_batch_given_up_before_it_is_sent_runs_nothing()
    {
        var groups = new BatchGroups<bool>(_connections, 2, _broken.Add, _time);
        var slow = groups.RunAsync([Slow()], null, CancellationToken.None);
        await Eventually.HoldsAsync(SlowRuns, "the first round trip is in flight", TimeSpan.FromSeconds(10));
        using var cancel = new CancellationTokenSource();
        var given = groups.RunAsync([Insert(9)], null, cancel.Token);
        await cancel.CancelAsync();

        await slow;
        Assert.IsType<OperationCanceledException>((await given).Failure);
        Assert.Equal(string.Empty, await Ids());
    }

    // A statement that holds its round trip for a second, marked with this test's schema so that SlowRuns finds it.
    private NpgsqlBatchCommand Slow(string select = "NULL") => Command($"SELECT {select} FROM pg_sleep(1) /* {_schema} */");

    private bool SlowRuns() => SlowRunning() > 0;

    // Round trips running a slow statement now.
    private long SlowRunning()
    {
        using var connection = _source.OpenConnection();
        using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = "%" + _schema + "%" });
        return (long)command.ExecuteScalar()!;
    }

    private async Task<string> Ids()
    {
        await using var connection = await _source.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM items", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static NpgsqlBatchCommand Insert(int id) => new("INSERT INTO items (id, note) VALUES ($1, 'x')") { Parameters = { new NpgsqlParameter { Value = id } } };

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Fixed texts of the tests.")]
    private static NpgsqlBatchCommand Command(string sql) => new(sql);

    private static async Task<string> ReadOne(NpgsqlDataReader reader)
    {
        await reader.ReadAsync();
        return reader.GetString(0);
    }

    private static async Task<string> ReadTwo(NpgsqlDataReader reader)
    {
        var first = await ReadOne(reader);
        await reader.NextResultAsync();
        return first + "/" + await ReadOne(reader);
    }
}
