using Microsoft.Data.Sqlite;
using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Storage;
using Palisade.Storage.Postgres;
using Palisade.Storage.Sqlite;
using Palisade.Cwmp;
using Palisade.Testing;

namespace Palisade.Tests;

/// <summary>`palisade db copy --from DATA --to postgresql://…`: an embedded installation moved to PostgreSQL, losing nothing.</summary>
public sealed class DbCopyTests : IDisposable
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);
    private readonly string _database = "copy_" + Guid.NewGuid().ToString("N");
    private readonly string _data = Directory.CreateTempSubdirectory("palisade-copy-").FullName;
    private readonly (string Url, string ConnectionString) _db;

    public DbCopyTests() => _db = TestPostgres.CreateDatabase(_database);

    [Fact]
    public async Task Everything_of_an_embedded_store_arrives_with_an_intact_audit_chain()
    {
        var ids = await SeedAsync();
        await using (var source = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = _data }))
        {
            var (code, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "db", "copy", "--from", _data, "--to", _db.Url);
            Assert.True(code == 0, output);
            Assert.Contains("devices: 3 of 3", output, StringComparison.Ordinal);
            Assert.Contains("done: 3 devices", output, StringComparison.Ordinal);
            Assert.Contains("chain intact", output, StringComparison.Ordinal);

            await using var copy = await OpenCopyAsync();
            Assert.Equal(3, await copy.CountDevicesAsync(default));
            foreach (var id in ids)
            {
                Assert.Equal(await source.GetDeviceAsync(id, default), await copy.GetDeviceAsync(id, default));
                Assert.Equal(await source.GetParametersAsync(id, null, default), await copy.GetParametersAsync(id, null, default));
                Assert.Equal(await source.ListTasksAsync(id, 100, default), await copy.ListTasksAsync(id, 100, default));
                Assert.Equal(await source.ListEventsAsync(id, 100, default), await copy.ListEventsAsync(id, 100, default));
                Assert.Equal(await source.GetTagsAsync(id, default), await copy.GetTagsAsync(id, default));
            }

            Assert.True(await copy.IsBlockedAsync(Id(9), default));
            Assert.Equal(await source.ListPresetsAsync(default), await copy.ListPresetsAsync(default));
            Assert.Equal(await source.ListScriptsAsync(ScriptKind.Provision, default), await copy.ListScriptsAsync(ScriptKind.Provision, default));
            Assert.Equal(await source.ListChannelFaultsAsync(null, null, 10, default), await copy.ListChannelFaultsAsync(null, null, 10, default));
            Assert.Equal(await source.GetRevisionAsync(default), await copy.GetRevisionAsync(default));
            Assert.Equal(await source.ListSavedSearchesAsync("user:admin", default), await copy.ListSavedSearchesAsync("user:admin", default));
            Assert.Equal(await source.GetUserAsync("admin", default), await copy.GetUserAsync("admin", default));
            Assert.Equal(Keys(await source.ListKeysAsync(default)), Keys(await copy.ListKeysAsync(default)));
            Assert.Equal(await source.ListAuditAsync(null, 100, default), await copy.ListAuditAsync(null, 100, default));
            var chain = await copy.VerifyAuditAsync(default);
            Assert.True(chain.Intact, chain.Problem);
            Assert.Equal((await source.VerifyAuditAsync(default)).Head, chain.Head);

            // The copy goes on from there: new tasks, devices and audit entries follow the copied ones.
            var task = await copy.AddTaskAsync(ids[0], new NewTask("reboot", "{}", T0, null), default);
            Assert.True(task.Id > (await source.ListTasksAsync(ids[0], 100, default)).Max(t => t.Id));
            await copy.CommitSessionAsync(new SessionChanges(Device(4)), default);
            Assert.Equal(4, (await copy.AppendAsync(new AuditRecord(T0, "cli:test", "local", "device.delete", "x", "{}"), default)).Seq);
            Assert.True((await copy.VerifyAuditAsync(default)).Intact);
        }

        // Never into a store that holds something.
        var (again, refused) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "db", "copy", "--from", _data, "--to", _db.Url);
        Assert.Equal(1, again);
        Assert.Contains("not empty", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_column_this_build_does_not_know_stops_the_copy_and_leaves_the_database_empty()
    {
        await SeedAsync();
        await using (var raw = new SqliteConnection($"Data Source={Path.Combine(_data, "palisade.db")};Pooling=False"))
        {
            await raw.OpenAsync();
            await using var alter = new SqliteCommand("ALTER TABLE devices ADD COLUMN from_the_future TEXT", raw);
            await alter.ExecuteNonQueryAsync();
        }

        var (code, output) = await CliProcess.RunAsync(TimeSpan.FromMinutes(2), "db", "copy", "--from", _data, "--to", _db.Url);

        Assert.Equal(1, code);
        Assert.Contains("from_the_future", output, StringComparison.Ordinal);
        await using var copy = await OpenCopyAsync();
        Assert.Equal(0, await copy.CountDevicesAsync(default));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestPostgres.DropDatabase(_database);
        Directory.Delete(_data, recursive: true);
    }

    private Task<PostgresStore> OpenCopyAsync() =>
        PostgresStore.OpenAsync(new PostgresStoreOptions { ConnectionString = _db.ConnectionString, KeyPath = Path.Combine(_data, "store.key") });

    private static DeviceId Id(int n) => new("00D09E", "HGW-1000", $"PLS{n:D7}");

    private static Device Device(int n) => new()
    {
        Id = Id(n),
        Manufacturer = "Palisade Labs",
        RegisteredAt = T0,
        LastInformAt = T0.AddMinutes(n),
        LastEvents = "1 BOOT",
        CwmpVersion = "1.4",
        AuthMethod = AuthMethods.DigestSha256,
        Credentials = new DeviceCredentials("cpe-" + n, [1, 2, (byte)n], [4, 5, (byte)n], true, null)
        {
            Previous = n == 2 ? new PreviousCredential("old", [9], [8]) : null,
        },
        ConnectionRequest = new ConnectionRequestEndpoint("http://127.0.0.1:7548/cr" + n, "cr", "secret-" + n, null),
        PeriodicInformInterval = 300,
        SoftwareVersion = "1.0",
        BootstrapExpected = n == 1,
    };

    private static IEnumerable<string> Keys(IReadOnlyList<ApiKeyRecord> keys) =>
        keys.Select(k => $"{k.Id} {k.Name} {k.Role} {Convert.ToHexString(k.SecretHash)} {k.DeviceFilter} {k.CreatedAt} {k.ExpiresAt} {k.RevokedAt} {k.CreatedBy}");

    // An embedded store with something of everything: three devices with parameters, events and tags, tasks in every
    // state, a blocked id, a user, keys (one revoked), three audit entries, and a password from before sealing.
    private async Task<DeviceId[]> SeedAsync()
    {
        await using var store = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = _data });
        DeviceId[] ids = [Id(1), Id(2), Id(3)];
        for (var n = 1; n <= 3; n++)
        {
            var changes = new SessionChanges(Device(n));
            changes.Parameters.Add(new CachedParameter("Device.DeviceInfo.SoftwareVersion", "1." + n, "string", false, 2, "Subscriber", T0));
            changes.Parameters.Add(new CachedParameter("Device.WiFi.SSID.1.", null, null, true, null, null, null));
            changes.Parameters.Add(new CachedParameter("Device.DeviceInfo.UpTime", (n * 100).ToString(System.Globalization.CultureInfo.InvariantCulture), "unsignedInt", false, null, null, T0.AddSeconds(n)));
            changes.Events.Add(new DeviceEvent(T0, "1 BOOT", null, null));
            changes.Events.Add(new DeviceEvent(T0.AddMinutes(1), "7 TRANSFER COMPLETE", "task-1", "{\"fault\":0}"));
            await store.CommitSessionAsync(changes, default);
            await store.SetTagAsync(Id(n), "site-" + n, true, default);
        }

        var done = await store.AddTaskAsync(ids[0], new NewTask("reboot", """{"name":"reboot"}""", T0, null), default);
        var faulted = await store.AddTaskAsync(ids[0], new NewTask("setParameterValues", "{}", T0, T0.AddDays(1)), default);
        var cancelled = await store.AddTaskAsync(ids[1], new NewTask("factoryReset", "{}", T0, null), default);
        await store.AddTaskAsync(ids[1], new NewTask("getParameterValues", "{}", T0, null), default);
        await store.TakeQueuedTasksAsync(ids[0], T0, default);
        var outcome = new SessionChanges(Device(1)) { Known = await store.GetDeviceAsync(ids[0], default) };
        outcome.Tasks.Add(new TaskUpdate(done.Id, DeviceTaskStatus.Done, """{"ok":true}""", null) { AttemptDelta = 0 });
        outcome.Tasks.Add(new TaskUpdate(faulted.Id, DeviceTaskStatus.Faulted, null, new TaskFault(9003, "Invalid arguments", "[]")) { AttemptDelta = 0 });
        await store.CommitSessionAsync(outcome, default);
        await store.CancelTaskAsync(cancelled.Id, T0.AddMinutes(3), default);
        await store.BlockDeviceAsync(Id(9), T0, default);

        await store.CreateUserAsync(new UserRecord("admin", Roles.Admin, "pbkdf2$hash", 0, null, T0), default);
        await store.RecordLoginAsync("admin", false, T0.AddMinutes(5), default);
        await store.CreateKeyAsync(new ApiKeyRecord("0123456789abcdef", "ops", Roles.Operator, [1, 2, 3], "tag = \"beta\"", T0, T0.AddDays(30), null, "admin"), default);
        await store.CreateKeyAsync(new ApiKeyRecord("fedcba9876543210", "old", Roles.Viewer, [4, 5, 6], null, T0, null, null, "admin"), default);
        await store.RevokeKeyAsync("fedcba9876543210", T0.AddDays(1), default);
        await store.PutPresetAsync(new StoredPreset("wifi", """{"weight":10,"channel":"wifi"}""", T0, "user:admin"), default);
        await store.PutScriptAsync(new StoredScript(ScriptKind.Provision, "wifi", "log('x');", "aa", T0, "user:admin"), default);
        await store.PutChannelFaultAsync(new ChannelFault(Id(2), "wifi", "script.timeout", "too slow", null, new EquatableList<string>(["wifi"]), 1, T0, T0.AddMinutes(5), T0.AddDays(1)), default);
        await store.PutSavedSearchAsync(new Acs.SavedSearches.SavedSearch("user:admin", "beta", "filter=tag+%3D+%22beta%22", T0), default);
        for (var i = 0; i < 3; i++)
        {
            await store.AppendAsync(new AuditRecord(T0.AddSeconds(i), "key:ops", "192.0.2.1", "task.create", Id(1).ToString(), "{\"i\":" + i + "}"), default);
        }

        await store.DisposeAsync();
        await using (var raw = new SqliteConnection($"Data Source={Path.Combine(_data, "palisade.db")};Pooling=False"))
        {
            // A row written before passwords were sealed (text); it reads as is and is sealed on the way over.
            await raw.OpenAsync();
            await using var legacy = new SqliteCommand("UPDATE devices SET cr_password = 'secret-3' WHERE serial_number = 'PLS0000003'", raw);
            await legacy.ExecuteNonQueryAsync();
        }

        return ids;
    }
}
