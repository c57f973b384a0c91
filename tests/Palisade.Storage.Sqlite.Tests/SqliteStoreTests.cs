using Microsoft.Data.Sqlite;
using Palisade.Acs.Storage;
using Palisade.Storage.Contract;
using Palisade.Testing;

namespace Palisade.Storage.Sqlite.Tests;

/// <summary>What only the SQLite store does: group commit, its file, its key, its migrations, its audit guards.</summary>
public sealed class SqliteStoreTests : StoreContract<SqliteStoreFactory>
{
    [Fact]
    public async Task Sessions_that_end_together_share_one_transaction_and_a_failing_one_is_rolled_back_alone()
    {
        var store = (SqliteStore)Store;
        using var gate = new ManualResetEventSlim();
        var held = HoldWriterAsync(store, gate);
        var transactionsBefore = store.Sessions.SessionTransactions;

        // Queued while the writer is busy: the first interns a path, the second interns another and then fails,
        // the third uses the failed session's new path, which must be interned again, not taken from the failure.
        var first = new SessionChanges(NewDevice(1));
        first.Parameters.Add(Value("Device.Shared.A", "1"));
        var failing = new SessionChanges(NewDevice(2));
        failing.Parameters.Add(Value("Device.Shared.B", "2"));
        failing.Parameters.Add(Value("Device.TooLong", new string('x', 70_000)));
        var third = new SessionChanges(NewDevice(3));
        third.Parameters.Add(Value("Device.Shared.B", "3"));
        var commits = new List<Task>();
        foreach (var changes in new[] { first, failing, third })
        {
            var queued = store.Sessions.QueuedSessions;
            commits.Add(Task.Run(() => Store.CommitSessionAsync(changes, default)));
            await Eventually.HoldsAsync(() => store.Sessions.QueuedSessions > queued, "the queued sessions", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(5));
        }

        gate.Set();
        Assert.True(await held);
        await commits[0];
        var error = await Assert.ThrowsAsync<StoreException>(() => commits[1]);
        await commits[2];

        Assert.Equal(StoreErrorReason.Rejected, error.Reason);
        Assert.Equal(1, store.Sessions.SessionTransactions - transactionsBefore);
        Assert.Equal(["1"], (await Store.GetParametersAsync(Id(1), null, default)).Select(p => p.Value));
        Assert.Null(await Store.GetDeviceAsync(Id(2), default));
        Assert.Empty(await Store.GetParametersAsync(Id(2), null, default));
        Assert.Equal(["Device.Shared.B"], (await Store.GetParametersAsync(Id(3), null, default)).Select(p => p.Path));
        Assert.Empty(await store.CheckIntegrityAsync(default));
    }

    [Fact]
    public async Task A_session_cancelled_while_queued_is_not_written()
    {
        var store = (SqliteStore)Store;
        using var gate = new ManualResetEventSlim();
        var held = HoldWriterAsync(store, gate);
        using var cancel = new CancellationTokenSource();
        var kept = Task.Run(() => Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default));
        await Eventually.HoldsAsync(() => store.Sessions.QueuedSessions == 1, "the queued sessions", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(5));
        var dropped = Task.Run(() => Store.CommitSessionAsync(new SessionChanges(NewDevice(2)), cancel.Token));
        await Eventually.HoldsAsync(() => store.Sessions.QueuedSessions == 2, "the queued sessions", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(5));

        await cancel.CancelAsync();
        gate.Set();
        await held;

        await kept;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped);
        Assert.NotNull(await Store.GetDeviceAsync(Id(1), default));
        Assert.Null(await Store.GetDeviceAsync(Id(2), default));
    }

    [Fact]
    public async Task Closing_the_store_tells_every_writer_queued_behind_the_close_and_leaves_none_waiting()
    {
        var store = (SqliteStore)Store;
        await store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        using var gate = new ManualResetEventSlim();
        var held = HoldWriterAsync(store, gate);

        // Queued before the close: written. Queued behind it (a session's commit and a task): refused, not stranded.
        // (A session queued while another session leads joins that leader's transaction: it would be written.)
        var before = store.AddTaskAsync(Id(1), new NewTask("reboot", """{"name":"reboot"}""", T0, null), default);
        var closing = store.DisposeAsync().AsTask();
        var lateSession = store.CommitSessionAsync(new SessionChanges(NewDevice(2)), default);
        var lateTask = store.AddTaskAsync(Id(1), new NewTask("factory-reset", """{"name":"factoryReset"}""", T0, null), default);
        gate.Set();
        await held;

        await before.WaitAsync(TimeSpan.FromSeconds(30));
        await closing.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var late in new[] { lateSession, lateTask })
        {
            var error = await Assert.ThrowsAsync<StoreException>(() => late.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(StoreErrorReason.Unavailable, error.Reason);
            Assert.Contains("closed", error.Message, StringComparison.Ordinal);
        }

        // Reads are refused the same way; closing twice is harmless; what was refused is not in the store.
        var read = await Assert.ThrowsAsync<StoreException>(() => store.GetDeviceAsync(Id(1), default));
        Assert.Equal(StoreErrorReason.Unavailable, read.Reason);
        await store.DisposeAsync();
        Store = await OpenAsync();
        Assert.Null(await Store.GetDeviceAsync(Id(2), default));
        Assert.Equal(["reboot"], (await Store.TakeQueuedTasksAsync(Id(1), T0.AddSeconds(1), default)).Select(t => t.Name));
    }

    /// <summary>Keeps the store's writer busy until <paramref name="gate"/> opens; returns once it is held.</summary>
    private static Task<bool> HoldWriterAsync(SqliteStore store, ManualResetEventSlim gate)
    {
        using var entered = new ManualResetEventSlim();
        var held = Task.Run(() => store.Database.WriteAsync(_ =>
        {
            entered.Set();
            return gate.Wait(TimeSpan.FromSeconds(30));
        }, default));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
        return held;
    }

    [Fact]
    public async Task A_new_store_is_migrated_and_reopening_is_idempotent()
    {
        var store = (SqliteStore)Store;
        Assert.Equal(SchemaMigrator.LatestVersion, store.SchemaVersion);

        var reopened = (SqliteStore)await ReopenAsync(Store);
        Store = reopened;

        Assert.Equal(SchemaMigrator.LatestVersion, reopened.SchemaVersion);
    }

    [Fact]
    public async Task A_task_queued_through_another_store_on_the_same_file_is_taken_by_the_next_session()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        Assert.Empty(await Store.TakeQueuedTasksAsync(Id(1), T0, default));

        // Another process (the CLI, a second server, the benchmark) queues a task on the same data folder.
        await using (var other = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = Factory.Folder }))
        {
            await other.AddTaskAsync(Id(1), new NewTask("reboot", """{"name":"reboot"}""", T0, null), default);
        }

        Assert.Single(await Store.TakeQueuedTasksAsync(Id(1), T0.AddSeconds(1), default));
    }

    [Fact]
    public async Task Another_process_holding_the_lock_is_waited_for_by_sqlite_not_by_the_providers_150_ms_sleeps()
    {
        // Another process (the CLI, a backup, the benchmark queueing tasks) may hold the write lock for a moment.
        // Without a busy timeout, SQLite answers busy at once and the provider sleeps 150 ms before each retry: in
        // the fleet benchmark, with tasks queued from its own process, sessions then took 100-200 ms at p50 instead
        // of a few. With it, SQLite retries within milliseconds. Every connection of the store has it.
        var store = (SqliteStore)Store;
        var expected = (long)new SqliteStoreOptions().BusyTimeout.TotalMilliseconds;
        Assert.Equal(expected, await store.Database.WriteAsync(transaction => BusyTimeout(transaction.Connection!, transaction), default));
        Assert.Equal(expected, await store.Database.ReadAsync(reader => BusyTimeout(reader.Connection, null), default));
    }

    private static long BusyTimeout(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA busy_timeout";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_discovery_that_lists_then_reads_the_same_paths_stores_each_once_with_everything_learned()
    {
        // Names with writability, then values, then attributes for some, then a second value for one: as many
        // paths as a discovery has, so the commit merges them before writing (one upsert per path).
        var changes = new SessionChanges(NewDevice(1));
        for (var k = 0; k < 100; k++)
        {
            changes.Parameters.Add(new CachedParameter($"Device.X.{k:D3}.Value", null, null, k % 2 == 0, null, null, null));
        }

        for (var k = 0; k < 100; k++)
        {
            changes.Parameters.Add(Value($"Device.X.{k:D3}.Value", "v" + k));
        }

        changes.Parameters.Add(new CachedParameter("Device.X.007.Value", null, null, null, 2, "Subscriber", null));
        changes.Parameters.Add(new CachedParameter("Device.X.007.Value", "later", "string", null, null, null, T0.AddSeconds(1)));
        Assert.Equal(100, SqliteSessionStore.MergedByPath(changes.Parameters).Count);
        await Store.CommitSessionAsync(changes, default);

        var stored = await Store.GetParametersAsync(Id(1), "Device.X.", default);
        Assert.Equal(100, stored.Count);
        Assert.Equal(new CachedParameter("Device.X.007.Value", "later", "string", false, 2, "Subscriber", T0.AddSeconds(1)), stored[7]);
        Assert.Equal(new CachedParameter("Device.X.042.Value", "v42", "string", true, null, null, T0), stored[42]);
    }

    [Fact]
    public async Task Idle_readers_keep_no_snapshot_so_the_log_can_always_be_checkpointed()
    {
        // The store keeps reader connections open with prepared statements between reads. One that kept a read
        // transaction (an unreset statement) would pin the WAL: it could never be checkpointed and would grow.
        for (var n = 1; n <= 20; n++)
        {
            await Store.CommitSessionAsync(new SessionChanges(NewDevice(n)), default);
            Assert.NotNull(await Store.GetDeviceAsync(Id(n), default));
            Assert.Empty(await Store.TakeQueuedTasksAsync(Id(n), T0, default));
            await Store.CommitSessionAsync(new SessionChanges(NewDevice(n) with { SoftwareVersion = "2.0" }), default);
        }

        using var checkpoint = new SqliteConnection($"Data Source={Path.Combine(Factory.Folder, "palisade.db")};Pooling=False");
        checkpoint.Open();
        using var command = checkpoint.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 0";
        command.ExecuteNonQuery();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal(0, reader.GetInt64(0)); // not busy: no reader holds an old snapshot
        Assert.Equal(0, reader.GetInt64(1)); // the log was emptied
    }

    [Fact]
    public async Task Connection_request_passwords_are_sealed_with_a_key_kept_outside_the_database()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(2)), default);
        Assert.Equal("secret", (await Store.GetDeviceAsync(Id(1), default))!.ConnectionRequest!.Password);
        var key = Path.Combine(Factory.Folder, "store.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));

        var database = Path.Combine(Factory.Folder, "palisade.db");
        using (var raw = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "SELECT typeof(cr_password), instr(cr_password, CAST('secret' AS BLOB)) FROM devices";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                Assert.Equal("blob", reader.GetString(0));
                Assert.Equal(0, reader.GetInt64(1));
            }
        }

        // A row written before sealing (text) still reads, and is sealed by the device's next session.
        using (var raw = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE devices SET cr_password = 'legacy' WHERE serial_number = 'PLS0000002'";
            command.ExecuteNonQuery();
        }

        // Both read paths (a device by id, and a search page).
        Assert.Equal("legacy", (await Store.GetDeviceAsync(Id(2), default))!.ConnectionRequest!.Password);
        Assert.Equal(["secret", "legacy"], (await Store.SearchDevicesAsync(new DeviceSearch(null), default)).Devices.Select(d => d.ConnectionRequest!.Password));
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(2)), default);
        Assert.Equal("secret", (await Store.GetDeviceAsync(Id(2), default))!.ConnectionRequest!.Password);
        Assert.Equal(["secret", "secret"], (await Store.SearchDevicesAsync(new DeviceSearch(null), default)).Devices.Select(d => d.ConnectionRequest!.Password));

        // A sealed value copied onto another device's row does not open there.
        using (var raw = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE devices SET cr_password = (SELECT cr_password FROM devices WHERE serial_number = 'PLS0000001') WHERE serial_number = 'PLS0000002'";
            command.ExecuteNonQuery();
        }

        var moved = await Assert.ThrowsAsync<StoreException>(() => Store.GetDeviceAsync(Id(2), default));
        Assert.Contains("does not open", moved.Message, StringComparison.Ordinal);
        Assert.Equal("secret", (await Store.GetDeviceAsync(Id(1), default))!.ConnectionRequest!.Password);
    }

    [Fact]
    public async Task A_store_opens_only_with_its_own_key_file()
    {
        await Store.CommitSessionAsync(new SessionChanges(NewDevice(1)), default);
        await Store.DisposeAsync();
        var key = Path.Combine(Factory.Folder, "store.key");
        var saved = File.ReadAllText(key);

        // Missing: refused, and no new key is made that would orphan the sealed passwords.
        File.Delete(key);
        var missing = Assert.Throws<StoreException>(() => SqliteStore.Open(new SqliteStoreOptions { DataDirectory = Factory.Folder }));
        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(key));

        // Another store's key: refused.
        File.WriteAllText(key, Palisade.Security.Secrets.SecretBox.Create().KeyText);
        var foreign = Assert.Throws<StoreException>(() => SqliteStore.Open(new SqliteStoreOptions { DataDirectory = Factory.Folder }));
        Assert.Contains("not this store's key", foreign.Message, StringComparison.Ordinal);

        File.WriteAllText(key, "damaged");
        Assert.Contains("damaged", Assert.Throws<StoreException>(() => SqliteStore.Open(new SqliteStoreOptions { DataDirectory = Factory.Folder })).Message, StringComparison.Ordinal);

        File.WriteAllText(key, saved);
        Store = await OpenAsync();
        Assert.Equal("secret", (await Store.GetDeviceAsync(Id(1), default))!.ConnectionRequest!.Password);
    }

    [Fact]
    public void The_data_folder_and_database_are_private_to_the_owner()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Factory.Folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Factory.Folder, "palisade.db")));
    }

    [Fact]
    public async Task A_store_from_a_newer_palisade_is_refused_with_a_clear_error()
    {
        await Store.DisposeAsync();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(Factory.Folder, "palisade.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 1000000";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<StoreException>(() => SqliteStore.Open(new SqliteStoreOptions { DataDirectory = Factory.Folder }));

        Assert.Contains("newer than this Palisade build", error.Message, StringComparison.Ordinal);
        Store = await OpenAsyncAfterRepair();
    }

    [Theory]
    [InlineData("Device.WiFi.", "Device.WiFi.", "Device.WiFi/")]
    [InlineData(null, "", "\uFFFF")]
    public void Prefix_ranges_cover_exactly_the_subtree(string? prefix, string from, string to)
    {
        Assert.Equal((from, to), SqliteDatabase.PrefixRange(prefix));
    }

    private async Task<IPalisadeStore> OpenAsyncAfterRepair()
    {
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(Factory.Folder, "palisade.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = $latest";
            command.Parameters.AddWithValue("$latest", SchemaMigrator.LatestVersion);
            command.ExecuteNonQuery();
        }

        return await OpenAsync();
    }

    [Fact]
    public async Task An_edited_or_deleted_audit_entry_breaks_the_chain_and_the_log_refuses_plain_edits()
    {
        var audit = (Palisade.Acs.Access.IAuditLog)Store;
        for (var i = 0; i < 3; i++)
        {
            await audit.AppendAsync(new Palisade.Acs.Access.AuditRecord(T0.AddSeconds(i), "key:ops", "192.0.2.1", "task.create", "dev", "{}"), CancellationToken.None);
        }

        var database = Path.Combine(Factory.Folder, "palisade.db");
        using (var raw = new SqliteConnection($"Data Source={database}"))
        {
            raw.Open();
            using var edit = raw.CreateCommand();
            edit.CommandText = "UPDATE audit SET actor = 'someone-else' WHERE seq = 2";
            Assert.Throws<SqliteException>(() => edit.ExecuteNonQuery());

            // An attacker with the file drops the guard and edits anyway.
            edit.CommandText = "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone-else' WHERE seq = 2";
            edit.ExecuteNonQuery();
        }

        var broken = await audit.VerifyAuditAsync(CancellationToken.None);
        Assert.False(broken.Intact);
        Assert.Equal(2, broken.FirstBadSeq);

        using (var raw = new SqliteConnection($"Data Source={database}"))
        {
            raw.Open();
            using var edit = raw.CreateCommand();
            edit.CommandText = "UPDATE audit SET actor = 'key:ops' WHERE seq = 2; DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2";
            edit.ExecuteNonQuery();
        }

        var deleted = await audit.VerifyAuditAsync(CancellationToken.None);
        Assert.False(deleted.Intact);
        Assert.Contains("missing", deleted.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cut_tail_passes_the_chain_but_not_a_checkpoint_kept_outside()
    {
        var audit = (Palisade.Acs.Access.IAuditLog)Store;
        for (var i = 0; i < 4; i++)
        {
            await audit.AppendAsync(new Palisade.Acs.Access.AuditRecord(T0.AddSeconds(i), "key:ops", "192.0.2.1", "task.create", "dev" + i, "{}"), CancellationToken.None);
        }

        var before = await audit.VerifyAuditAsync(CancellationToken.None);
        var checkpoint = before.Head!;
        Assert.Equal(4, checkpoint.Seq);
        Assert.True(Palisade.Acs.Access.AuditCheckpoint.TryParse(checkpoint.ToString(), out var parsed));
        Assert.Equal(checkpoint, parsed);
        Assert.True((await audit.VerifyAuditAsync(CancellationToken.None, checkpoint)).Intact);

        // Someone with the file removes the newest two entries: what is left still links up.
        using (var raw = new SqliteConnection($"Data Source={Path.Combine(Factory.Folder, "palisade.db")}"))
        {
            raw.Open();
            using var edit = raw.CreateCommand();
            edit.CommandText = "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > 2";
            edit.ExecuteNonQuery();
        }

        Assert.True((await audit.VerifyAuditAsync(CancellationToken.None)).Intact);
        var cut = await audit.VerifyAuditAsync(CancellationToken.None, checkpoint);
        Assert.False(cut.Intact);
        Assert.Equal(3, cut.FirstBadSeq);
        Assert.Contains("cut off", cut.Problem, StringComparison.Ordinal);

        // Cut and written again from entry 3 on (a new, well-linked tail): the checkpoint's hash no longer matches.
        await audit.AppendAsync(new Palisade.Acs.Access.AuditRecord(T0.AddMinutes(5), "key:ops", "192.0.2.1", "task.create", "other", "{}"), CancellationToken.None);
        await audit.AppendAsync(new Palisade.Acs.Access.AuditRecord(T0.AddMinutes(6), "key:ops", "192.0.2.1", "task.create", "other", "{}"), CancellationToken.None);
        var rewritten = await audit.VerifyAuditAsync(CancellationToken.None, checkpoint);
        Assert.False(rewritten.Intact);
        Assert.Equal(4, rewritten.FirstBadSeq);
        Assert.Contains("rewritten", rewritten.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("0:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("-1:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("4:00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("4:zz00000000000000000000000000000000000000000000000000000000000000")]
    public void A_malformed_checkpoint_is_refused(string text) =>
        Assert.False(Palisade.Acs.Access.AuditCheckpoint.TryParse(text, out _));
}
