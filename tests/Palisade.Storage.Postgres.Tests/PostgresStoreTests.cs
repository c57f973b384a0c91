using Npgsql;
using Palisade.Acs.Access;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;
using Palisade.Storage.Contract;
using Palisade.Testing;

namespace Palisade.Storage.Postgres.Tests;

/// <summary>What only the PostgreSQL store does: several stores (nodes) on one database, its key, its migrations, its guards.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA2100:Review SQL queries for security vulnerabilities", Justification = "Constant SQL of the tests.")]
public sealed class PostgresStoreTests : StoreContract<PostgresStoreFactory>
{
    [Fact]
    public async Task Audit_entries_appended_by_several_nodes_at_once_form_one_intact_chain()
    {
        await using var second = await Factory.Open();
        await using var third = await Factory.Open();
        IAuditLog[] nodes = [Store, second, third];

        await Task.WhenAll(Enumerable.Range(0, 90).Select(i => Task.Run(() =>
            nodes[i % 3].AppendAsync(new AuditRecord(T0.AddSeconds(i), "key:ops", "192.0.2.1", "task.create", $"dev-{i}", "{}"), CancellationToken.None))));

        var verification = await Store.VerifyAuditAsync(CancellationToken.None);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(90, verification.Entries);
        Assert.Equal(90, (await second.ListAuditAsync(null, 1000, CancellationToken.None)).Select(e => e.Target).Distinct().Count());
    }

    [Fact]
    public async Task A_task_queued_through_one_node_is_taken_once_by_a_session_on_another()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        await using var other = await Factory.Open();
        var task = await other.AddTaskAsync(Id(1), new NewTask("reboot", """{"name":"reboot"}""", T0, null), default);

        Assert.Equal([task.Id], (await Store.TakeQueuedTasksAsync(Id(1), T0.AddSeconds(1), default)).Select(t => t.Id));
        Assert.Equal(1, (await other.GetTaskAsync(task.Id, default))!.Attempts);
    }

    [Fact]
    public async Task Sessions_of_one_new_path_set_on_several_nodes_at_once_all_commit()
    {
        // Each node meets the same new paths in the same commit wave: interning them must neither deadlock nor fail, and
        // each node names every value by the path's one number, whichever node interned it.
        await using var second = await Factory.Open();
        IPalisadeStore[] nodes = [Store, second];
        await Task.WhenAll(Enumerable.Range(1, 40).Select(n => Task.Run(async () =>
        {
            var changes = new SessionChanges(NewDevice(n));
            for (var p = 0; p < 50; p++)
            {
                var k = (p * 7 + n) % 50;
                changes.Parameters.Add(Value($"Device.Shared.P{k}", $"{n}/{k}"));
            }

            await nodes[n % 2].CommitSessionAsync(changes, default);
        })));

        Assert.Equal(40, await Store.CountDevicesAsync(default));
        foreach (var n in new[] { 1, 2, 7, 40 })
        {
            var stored = await second.GetParametersAsync(Id(n), "Device.Shared.", default);
            Assert.Equal(50, stored.Count);
            Assert.All(stored, p => Assert.Equal($"{n}/{p.Path["Device.Shared.P".Length..]}", p.Value));
        }

        // A later session on either node names the same paths by the numbers it learned or looks up.
        var known = (await Store.GetDeviceAsync(Id(3), default))!;
        var next = new SessionChanges(known with { LastEvents = "2 PERIODIC" }) { Known = known };
        next.Parameters.Add(Value("Device.Shared.P9", "again"));
        next.Parameters.Add(Value("Device.Shared.P0", "again0"));
        await second.CommitSessionAsync(next, default);
        var after = await Store.GetParametersAsync(Id(3), "Device.Shared.", default);
        Assert.Equal(50, after.Count);
        Assert.Equal("again", after.Single(p => p.Path == "Device.Shared.P9").Value);
        Assert.Equal("again0", after.Single(p => p.Path == "Device.Shared.P0").Value);
        Assert.Equal("3/8", after.Single(p => p.Path == "Device.Shared.P8").Value);
    }

    [Fact]
    public async Task Values_postgresql_cannot_hold_are_refused_whole_not_half_written()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var changes = new SessionChanges(NewDevice(1) with { SoftwareVersion = "2.0" });
        changes.Parameters.Add(Value("Device.Fine", "ok"));
        changes.Parameters.Add(Value("Device.Nul", "a\0b"));

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.CommitSessionAsync(changes, default));

        Assert.Equal(StoreErrorReason.Rejected, error.Reason);
        Assert.Equal("1.0", (await Store.GetDeviceAsync(Id(1), default))!.SoftwareVersion);
        Assert.Empty(await Store.GetParametersAsync(Id(1), null, default));
    }

    [Fact]
    public async Task A_numeric_filter_reads_any_value_a_device_sends_without_failing_the_search()
    {
        string[] values = ["12", "1e999", "abc", "7.5kbps", "-3", "1e-9999", new string('9', 5000)];
        for (var n = 1; n <= values.Length; n++)
        {
            var changes = new SessionChanges(NewDevice(n));
            changes.Parameters.Add(Value("Device.X", values[n - 1]));
            await Store.CommitSessionAsync(changes, default);
        }

        var result = await Store.SearchDevicesAsync(new DeviceSearch(FilterParser.Parse("Device.X > 5", Now)), default);

        Assert.Equal([1, 2, 4, 7], result.Devices.Select(d => int.Parse(d.Id.SerialNumber[3..], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task An_informs_rewrite_of_a_few_parameters_stays_on_their_page_even_after_a_full_write()
    {
        // 300 parameters fill three pages. With every page full, the Inform's new values would go to other pages, each
        // with a new primary-key entry: at a million devices that was most updates (docs/performance.md, "A million
        // devices, grouped"). The store keeps room on each page for them.
        var full = new SessionChanges(NewDevice(1));
        for (var i = 0; i < 300; i++)
        {
            full.Parameters.Add(Value($"Device.P.{i:D3}", $"{1000 + i}"));
        }

        await Store.CommitSessionAsync(full, default);
        string[] informed = [.. Enumerable.Range(0, 7).Select(i => $"Device.P.{i:D3}")];
        var before = await PagesAsync(informed);

        var known = (await Store.GetDeviceAsync(Id(1), default))!;
        var inform = new SessionChanges(known with { LastInformAt = T0.AddHours(1), LastEvents = "2 PERIODIC" }) { Known = known };
        foreach (var path in informed)
        {
            inform.Parameters.Add(Value(path, "2000"));
        }

        await Store.CommitSessionAsync(inform, default);

        Assert.Equal(7, before.Count);
        Assert.Equal(before, await PagesAsync(informed));
        var values = (await Store.GetParametersAsync(Id(1), "Device.P.", default)).ToDictionary(p => p.Path, p => p.Value);
        Assert.Equal(300, values.Count);
        Assert.All(informed, path => Assert.Equal("2000", values[path]));
        Assert.Equal("1007", values["Device.P.007"]);
    }

    [Theory]
    [InlineData("id", false)]
    [InlineData("id", true)]
    [InlineData("registered", false)]
    [InlineData("registered", true)]
    [InlineData("lastInform", false)]
    [InlineData("lastInform", true)]
    public async Task Every_order_of_the_device_search_is_read_from_an_index_without_sorting_the_devices(string sort, bool descending)
    {
        // A page of the device list must not sort every device: at a million devices the default order (by id) took
        // 185 ms per page while a NULLS FIRST clause kept its index out, 2 ms once the index served it. With sequential
        // scans off, a plan still sorts when no index gives the order.
        var first = await Store.SearchDevicesAsync(new DeviceSearch(null, sort, descending), default);
        Assert.Empty(first.Devices);
        var plan = await SearchPlanAsync(new DeviceSearch(null, sort, descending), "SET enable_seqscan = off");
        Assert.DoesNotContain("\"Sort Key\"", plan, StringComparison.Ordinal);
        Assert.Contains(sort switch { "id" => "devices_id_key", "registered" => "devices_registered", _ => "devices_last_inform" }, plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id", false)]
    [InlineData("id", true)]
    [InlineData("registered", false)]
    [InlineData("registered", true)]
    [InlineData("lastInform", false)]
    public async Task A_page_after_a_cursor_starts_its_index_scan_at_the_cursor(string sort, bool descending)
    {
        // A page deep into the list must not walk the index from its start: halfway through a million devices sorted by
        // registration time the cursor as a filter cost 130 ms per page, as the scan's start 0.13 ms. (Descending by last
        // inform, never-informed devices come after every value, so that cursor stays a filter.)
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1) with { LastInformAt = T0 }), default);
        var cursor = SearchCursor.Format(sort, sort == "id" ? null : T0.ToUnixTimeMilliseconds(), Id(1).ToString());
        var search = new DeviceSearch(null, sort, descending, After: cursor);
        Assert.Empty((await Store.SearchDevicesAsync(search, default)).Devices);
        // On a table this small the planner would rather read a bitmap and sort; with those off too, only a cursor in the
        // index condition spares a filter over the index from its start.
        var plan = await SearchPlanAsync(search, "SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off");
        Assert.Contains("\"Index Cond\"", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Filter\"", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Sort Key\"", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_commit_that_loses_a_deadlock_is_run_again_and_loses_nothing()
    {
        // Another writer (an operator's script, say) holds a parameter row and then wants the device row that the session's
        // commit locked first. PostgreSQL ends one of the two: the commit, which waited first, so its deadlock check runs
        // first. Its transaction was rolled back whole, and the store runs it again.
        var first = new SessionChanges(NewDevice(1));
        first.Parameters.Add(Value("Device.P.A", "1"));
        await Store.CommitSessionAsync(first, default);
        var known = (await Store.GetDeviceAsync(Id(1), default))!;

        await using var other = new NpgsqlConnection(Factory.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("UPDATE parameters p SET value = 'other' FROM devices d, paths x WHERE d.key = p.device AND x.id = p.path AND d.id = $1 AND x.path = 'Device.P.A'", other, transaction))
        {
            hold.Parameters.Add(new NpgsqlParameter { Value = Id(1).ToString() });
            Assert.Equal(1, await hold.ExecuteNonQueryAsync());
        }

        var session = new SessionChanges(known with { LastInformAt = T0.AddHours(1), LastEvents = "2 PERIODIC" }) { Known = known };
        session.Parameters.Add(Value("Device.P.A", "2"));
        var commit = Store.CommitSessionAsync(session, default);
        await Eventually.HoldsAsync(() => BlocksAnotherAsync(other.ProcessID), "the session's commit waits for the parameter row", TimeSpan.FromSeconds(10));

        await using (var want = new NpgsqlCommand("UPDATE devices SET last_events = 'other' WHERE id = $1", other, transaction))
        {
            want.Parameters.Add(new NpgsqlParameter { Value = Id(1).ToString() });
            Assert.Equal(1, await want.ExecuteNonQueryAsync());
        }

        // The commit lost, and its second run now waits for this transaction.
        Assert.False(commit.IsCompleted, commit.Exception?.ToString() ?? "the commit ended without waiting");
        await transaction.CommitAsync();
        await commit;

        Assert.Equal("2", (await Store.GetParametersAsync(Id(1), "Device.P.A", default)).Single().Value);
        Assert.Equal("2 PERIODIC", (await Store.GetDeviceAsync(Id(1), default))!.LastEvents);
    }

    [Fact]
    public async Task A_new_store_is_migrated_once_and_migrating_again_changes_nothing()
    {
        Assert.Empty(await PostgresStore.MigrateAsync(Factory.ConnectionString));

        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT max(version), count(*) FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(PostgresStore.LatestSchemaVersion, reader.GetInt32(0));
    }

    [Fact]
    public async Task Migrating_says_which_migration_it_starts_and_migrating_again_says_nothing()
    {
        // A migration on a large store may take minutes (schema 120 on a hundred million events): the operator is told
        // which one runs before it starts.
        using var fresh = new PostgresStoreFactory();
        var lines = new List<string>();

        var applied = await PostgresStore.MigrateAsync(fresh.ConnectionString, default, lines.Add);
        var again = new List<string>();
        Assert.Empty(await PostgresStore.MigrateAsync(fresh.ConnectionString, default, again.Add));

        Assert.Equal(applied.Count, lines.Count);
        Assert.Equal(PostgresStore.LatestSchemaVersion, applied[^1]);
        Assert.Contains("applying PostgreSQL schema 120 (events_by_device)", lines.Single(l => l.Contains("schema 120 ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Empty(again);
    }

    [Fact]
    public async Task A_node_that_starts_while_another_migrates_waits_for_it_beyond_its_command_timeout()
    {
        // Another node holds the migrations' lock, as while it builds an index on a large store (schema 120 on a hundred
        // million events: minutes). This node's commands time out after a second; its wait for the lock must not.
        await using var other = new NpgsqlConnection(Factory.ConnectionString);
        await other.OpenAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({PostgresMigrator.MigrationLock})", other))
        {
            await take.ExecuteNonQueryAsync();
        }

        var opening = PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = Factory.ConnectionString + ";Command Timeout=1", KeyPath = Path.Combine(Factory.Folder, "store.key") });
        var waited = await Task.WhenAny(opening, Task.Delay(TimeSpan.FromSeconds(3))) != opening;
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({PostgresMigrator.MigrationLock})", other))
        {
            await release.ExecuteNonQueryAsync();
        }

        await using var node = await opening;
        Assert.True(waited, "the node stopped waiting for the other's migration");
        Assert.Equal(0, await node.CountDevicesAsync(default));
    }

    [Fact]
    public async Task A_database_from_a_newer_palisade_is_refused_with_a_clear_error()
    {
        await Store.DisposeAsync();
        await ExecuteAsync("INSERT INTO schema_migrations (version) VALUES (9999)");

        var error = await Assert.ThrowsAsync<StoreException>(() => Factory.Open());

        Assert.Contains("newer than this Palisade build", error.Message, StringComparison.Ordinal);
        await ExecuteAsync("DELETE FROM schema_migrations WHERE version = 9999");
        Store = await OpenAsync();
    }

    [Fact]
    public async Task Connection_request_passwords_are_sealed_and_a_node_needs_the_same_key_file()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        await using (var connection = new NpgsqlConnection(Factory.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT position('secret'::bytea in cr_password) FROM devices", connection);
            Assert.Equal(0, (int)(await command.ExecuteScalarAsync())!);
        }

        var key = Path.Combine(Factory.Folder, "store.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        var elsewhere = Path.Combine(Factory.Folder, "other.key");
        var options = new PostgresStoreOptions { ConnectionString = Factory.ConnectionString, KeyPath = elsewhere };

        var missing = await Assert.ThrowsAsync<StoreException>(() => PostgresStore.OpenAsync(options));
        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(elsewhere));

        await File.WriteAllTextAsync(elsewhere, Palisade.Security.Secrets.SecretBox.Create().KeyText);
        var foreign = await Assert.ThrowsAsync<StoreException>(() => PostgresStore.OpenAsync(options));
        Assert.Contains("not this store's key", foreign.Message, StringComparison.Ordinal);

        File.Copy(key, elsewhere, overwrite: true);
        await using var node = await PostgresStore.OpenAsync(options);
        Assert.Equal("secret", (await node.GetDeviceAsync(Id(1), default))!.ConnectionRequest!.Password);
    }

    [Fact]
    public async Task The_audit_log_refuses_edits_and_deletions_in_the_database()
    {
        await Store.AppendAsync(new AuditRecord(T0, "key:ops", "192.0.2.1", "task.create", "dev", "{}"), CancellationToken.None);

        var update = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync("UPDATE audit SET actor = 'someone-else'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync("DELETE FROM audit"));

        Assert.Contains("append-only", update.MessageText, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.MessageText, StringComparison.Ordinal);
        Assert.True((await Store.VerifyAuditAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_store_error_that_names_it_without_the_password()
    {
        var options = new PostgresStoreOptions
        {
            ConnectionString = "Host=127.0.0.1;Port=1;Username=palisade;Password=hunter2;Database=x;Timeout=2",
            KeyPath = Path.Combine(Factory.Folder, "none.key"),
        };

        var error = await Assert.ThrowsAsync<StoreException>(() => PostgresStore.OpenAsync(options));

        Assert.Equal(StoreErrorReason.Unavailable, error.Reason);
        Assert.Contains("127.0.0.1:1/x", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_lease_is_held_by_one_session_across_nodes_until_it_is_given_back_or_runs_out()
    {
        await using var other = await Factory.Open();
        var device = Id(1);

        Assert.True((await ((Acs.Sessions.ISessionLeases)Store).TryAcquireAsync(device, "a", T0, T0.AddSeconds(30), default)).Taken);
        Assert.False((await other.TryAcquireAsync(device, "b", T0.AddSeconds(10), T0.AddSeconds(40), default)).Taken);
        Assert.True(await ((Acs.Sessions.ISessionLeases)Store).RenewAsync(device, "a", T0.AddSeconds(60), default));
        Assert.False((await other.TryAcquireAsync(device, "b", T0.AddSeconds(45), T0.AddSeconds(75), default)).Taken);

        // A node that died never gives it back: the lease runs out, and another node's session takes the device.
        Assert.True((await other.TryAcquireAsync(device, "b", T0.AddSeconds(60), T0.AddSeconds(90), default)).Taken);
        Assert.False(await ((Acs.Sessions.ISessionLeases)Store).RenewAsync(device, "a", T0.AddSeconds(120), default));
        await ((Acs.Sessions.ISessionLeases)Store).ReleaseAsync(device, "a", default);
        Assert.False((await ((Acs.Sessions.ISessionLeases)Store).TryAcquireAsync(device, "c", T0.AddSeconds(61), T0.AddSeconds(91), default)).Taken);

        await other.ReleaseAsync(device, "b", default);
        Assert.True((await ((Acs.Sessions.ISessionLeases)Store).TryAcquireAsync(device, "c", T0.AddSeconds(62), T0.AddSeconds(92), default)).Taken);
        Assert.True((await other.TryAcquireAsync(Id(2), "d", T0.AddSeconds(62), T0.AddSeconds(92), default)).Taken);
    }

    [Fact]
    public async Task Taking_a_lease_again_for_its_own_holder_gives_the_same_answer()
    {
        // A take whose grouped round trip could not tell its outcome is run again on its own: if the first run took the
        // lease, the second must not be refused by it.
        var leases = (Acs.Sessions.ISessionLeases)Store;
        var stored = NewDevice(1);
        await Store.CommitSessionAsync(new SessionChanges(stored), default);

        var first = await leases.TryAcquireAsync(Id(1), "a", T0, T0.AddSeconds(30), default);
        var again = await leases.TryAcquireAsync(Id(1), "a", T0.AddSeconds(1), T0.AddSeconds(31), default);

        Assert.Equal((true, true), (first.Taken, again.Taken));
        Assert.Equal(first.Device, again.Device);
        Assert.False((await leases.TryAcquireAsync(Id(1), "b", T0.AddSeconds(2), T0.AddSeconds(32), default)).Taken);
    }

    [Fact]
    public async Task A_session_commit_gives_its_lease_back_and_the_next_holder_reads_the_device_as_that_commit_left_it()
    {
        await using var other = await Factory.Open();
        var leases = (Acs.Sessions.ISessionLeases)Store;
        var first = await leases.TryAcquireAsync(Id(1), "a", T0, T0.AddSeconds(30), default);
        Assert.True(first.Taken);
        Assert.Null(first.Device);

        var booted = NewDevice(1) with { LastBootAt = T0.AddSeconds(5) };
        await Store.CommitSessionAsync(new SessionChanges(booted) { LeaseHolder = "a" }, default);

        // No separate release: the commit gave the lease back, and the next session (on another node) starts from it.
        var next = await other.TryAcquireAsync(Id(1), "b", T0.AddSeconds(6), T0.AddSeconds(36), default);
        Assert.True(next.Taken);
        Assert.Equal(T0.AddSeconds(5), next.Device!.LastBootAt);
        Assert.Equal(Acs.Sessions.LeaseGrant.Refused, await leases.TryAcquireAsync(Id(1), "c", T0.AddSeconds(7), T0.AddSeconds(37), default));
    }

    [Fact]
    public async Task A_deleted_devices_free_lease_row_goes_with_it_but_a_held_lease_still_keeps_other_nodes_out()
    {
        var leases = (Acs.Sessions.ISessionLeases)Store;
        await using var other = await Factory.Open();
        foreach (var n in new[] { 1, 2 })
        {
            await Store.CommitSessionAsync(new SessionChanges(NewDevice(n)), default);
            Assert.True((await leases.TryAcquireAsync(Id(n), "a", T0, T0.AddSeconds(30), default)).Taken);
        }

        // Device 1's session has ended (its lease row is kept, free, for its next session); device 2 is still in one.
        await leases.ReleaseAsync(Id(1), "a", default);
        Assert.True(await Store.DeleteDeviceAsync(Id(1), default));
        Assert.True(await Store.DeleteDeviceAsync(Id(2), default));

        Assert.Equal(0L, await CountLeaseRowsAsync(Id(1)));
        Assert.False((await other.TryAcquireAsync(Id(2), "b", T0.AddSeconds(1), T0.AddSeconds(31), default)).Taken);
        await leases.ReleaseAsync(Id(2), "a", default);
        Assert.True((await other.TryAcquireAsync(Id(2), "b", T0.AddSeconds(2), T0.AddSeconds(32), default)).Taken);
    }

    [Fact]
    public async Task A_lease_tells_whether_the_device_has_queued_tasks_so_a_session_without_any_reads_none()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var leases = (Acs.Sessions.ISessionLeases)Store;
        var idle = await leases.TryAcquireAsync(Id(1), "a", T0, T0.AddSeconds(30), default);
        Assert.Equal((true, false), (idle.Taken, idle.QueuedTasks));
        await leases.ReleaseAsync(Id(1), "a", default);

        await using var other = await Factory.Open();
        var task = await other.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0, null), default);
        var busy = await leases.TryAcquireAsync(Id(1), "b", T0.AddSeconds(1), T0.AddSeconds(31), default);
        Assert.Equal((true, true), (busy.Taken, busy.QueuedTasks));
        Assert.Equal([task.Id], (await Store.TakeQueuedTasksAsync(Id(1), T0.AddSeconds(1), default)).Select(t => t.Id));
    }

    [Fact]
    public async Task Task_outcomes_committed_by_one_node_are_heard_by_every_node_once_committed()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        var task = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0, null), default);
        var failing = await Store.AddTaskAsync(Id(1), new NewTask("reboot", "{}", T0, null), default);
        await using var listener = await Factory.Open();
        var heard = new TaskCompletionSource<IReadOnlyList<long>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = new System.Collections.Concurrent.ConcurrentQueue<long>();
        listener.TasksFinished += ids =>
        {
            foreach (var id in ids)
            {
                all.Enqueue(id);
            }

            heard.TrySetResult(ids);
        };

        // A commit that rolls back tells nobody; the one that commits tells every listener.
        var rolledBack = new SessionChanges(NewDevice(1));
        rolledBack.Tasks.Add(new TaskUpdate(failing.Id, DeviceTaskStatus.Done, "{}", null));
        rolledBack.Parameters.Add(Value("Device.TooLong", new string('x', 70_000)));
        await Assert.ThrowsAsync<StoreException>(() => Store.CommitSessionAsync(rolledBack, default));
        var changes = new SessionChanges(NewDevice(1));
        changes.Tasks.Add(new TaskUpdate(task.Id, DeviceTaskStatus.Done, "{}", null));
        await WaitForListenerAsync(listener);
        await Store.CommitSessionAsync(changes, default);

        Assert.Equal([task.Id], await heard.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain(failing.Id, all);
    }

    // LISTEN runs on a connection of its own, started by the first subscriber: commit only once it listens.
    private static Task WaitForListenerAsync(PostgresStore store) =>
        Eventually.HoldsAsync(() => ListeningAsync(store), "the store's LISTEN (its listener connects in the background)", TimeSpan.FromSeconds(60));

    private static async Task<bool> ListeningAsync(PostgresStore store)
    {
        // pg_listening_channels() answers for its own connection only: ask which backend last ran this store's LISTEN.
        await using var connection = await store.Database.Source.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE query = $1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = "LISTEN \"" + store.Database.Notifications.Channel + "\"" });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> CountLeaseRowsAsync(Acs.Devices.DeviceId device)
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM session_leases WHERE device = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = device.ToString() });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    // The heap page each of device 1's rows for these paths is on, by path.
    private async Task<Dictionary<string, long>> PagesAsync(string[] paths)
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT x.path, ((p.ctid::text)::point)[0]::bigint FROM parameters p JOIN devices d ON d.key = p.device JOIN paths x ON x.id = p.path WHERE d.id = $1 AND x.path = ANY($2)",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = Id(1).ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = paths });
        var pages = new Dictionary<string, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            pages[reader.GetString(0)] = reader.GetInt64(1);
        }

        return pages;
    }

    // The plan (EXPLAIN, JSON) of the device search's statement, bound as the store binds it, after PLANNER's settings.
    private async Task<string> SearchPlanAsync(DeviceSearch search, string planner)
    {
        var (sql, where, after) = PostgresDeviceRegistry.SearchSql(search);
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using (var settings = new NpgsqlCommand(planner, connection))
        {
            await settings.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("EXPLAIN (FORMAT JSON, COSTS OFF) " + sql, connection)
            .With(Parameters.Int(search.Limit + 1), Parameters.Long(after?.Value), Parameters.Text(after?.Id));
        where.Bind(explain);
        return (string)(await explain.ExecuteScalarAsync())!;
    }

    // True when a backend waits for a lock that the connection of process id PID holds.
    private async Task<bool> BlocksAnotherAsync(int pid)
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid)))", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = pid });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
