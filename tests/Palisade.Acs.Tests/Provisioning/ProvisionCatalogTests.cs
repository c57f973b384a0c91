using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Query;
using Palisade.Acs.Storage;
using Palisade.Storage.Sqlite;

namespace Palisade.Acs.Tests.Provisioning;

public sealed class ProvisionCatalogTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "palisade-catalog-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 2, 30, 0, TimeSpan.Zero));
    private readonly ProvisioningLimits _limits = new() { RefreshInterval = TimeSpan.FromSeconds(5) };
    private SqliteStore _store = null!;
    private CountingStore _counting = null!;
    private ProvisionCatalog _catalog = null!;

    public Task InitializeAsync()
    {
        _store = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = _folder });
        _counting = new CountingStore(_store);
        _catalog = new ProvisionCatalog(_counting, _limits, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Matched_presets_run_by_weight_then_name_each_call_in_its_presets_channel()
    {
        await PutAsync("late", """{"weight":5,"configurations":[{"type":"provision","name":"late"}]}""");
        await PutAsync("b-first", """{"weight":-1,"channel":"wifi","configurations":[{"type":"provision","name":"b","args":[1,"x"]}]}""");
        await PutAsync("a-first", """{"weight":-1,"configurations":[{"type":"provision","name":"a"},{"type":"provision","name":"a2"}]}""");
        await PutAsync("never", """{"weight":0,"precondition":"tag = \"nope\"","configurations":[{"type":"provision","name":"never"}]}""");

        var calls = await _catalog.MatchAsync(Context("2 PERIODIC"), default);
        Assert.Equal(["a", "a2", "b", "late"], calls.Select(c => c.Provision));
        Assert.Equal(["default", "default", "wifi", "default"], calls.Select(c => c.Channel));
        Assert.Equal("[1,\"x\"]", JsonSerializerArgs(calls[2]));
        Assert.Equal("b-first", calls[2].Preset);
    }

    [Fact]
    public async Task Events_must_all_be_present_and_negated_ones_absent()
    {
        await PutAsync("boot", """{"events":{"1 BOOT":true,"0 BOOTSTRAP":false},"configurations":[{"type":"provision","name":"boot"}]}""");
        await PutAsync("legacy", """{"events":"1 BOOT, 4 VALUE CHANGE","configurations":[{"type":"provision","name":"legacy"}]}""");

        Assert.Equal(["boot"], (await _catalog.MatchAsync(Context("1 BOOT"), default)).Select(c => c.Provision));
        Assert.Empty(await _catalog.MatchAsync(Context("0 BOOTSTRAP,1 BOOT"), default));
        Assert.Empty(await _catalog.MatchAsync(Context("2 PERIODIC"), default));
        Assert.Equal(["boot", "legacy"], (await _catalog.MatchAsync(Context("1 BOOT,4 VALUE CHANGE"), default)).Select(c => c.Provision));
    }

    [Fact]
    public async Task A_scheduled_preset_matches_only_inside_its_window()
    {
        await PutAsync("night", """{"schedule":"3600 0 3 * * *","configurations":[{"type":"provision","name":"night"}]}""");
        Assert.Empty(await _catalog.MatchAsync(Context("2 PERIODIC"), default));
        _time.Advance(TimeSpan.FromMinutes(45));
        Assert.Single(await _catalog.MatchAsync(Context("2 PERIODIC"), default));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await _catalog.MatchAsync(Context("2 PERIODIC"), default));
    }

    [Fact]
    public async Task Legacy_configurations_become_a_few_fixed_scripts_with_their_data_in_args()
    {
        await PutAsync("legacy", """
            {"configurations":[
              {"type":"value","name":"Device.ManagementServer.PeriodicInformInterval","value":"3600"},
              {"type":"add_tag","tag":"provisioned"},
              {"type":"delete_tag","tag":"new"},
              {"type":"add_object","name":"Device.WiFi.SSID","object":"SSID:guest"},
              {"type":"delete_object","name":"Device.WiFi.SSID","object":"4"},
              {"type":"age","name":"Device.DeviceInfo.UpTime","age":300}]}
            """);
        var calls = await _catalog.MatchAsync(Context("2 PERIODIC"), default);
        Assert.Equal(["builtin:value", "builtin:tag", "builtin:tag", "builtin:instances", "builtin:instances", "builtin:age"], calls.Select(c => c.Provision));
        Assert.All(calls, c => Assert.NotNull(c.Inline));
        Assert.Equal(calls[1].Inline!.Sha256, calls[2].Inline!.Sha256);
        Assert.Equal("[\"Device.ManagementServer.PeriodicInformInterval\",\"3600\"]", JsonSerializerArgs(calls[0]));
        Assert.Equal("[\"new\",false]", JsonSerializerArgs(calls[2]));
        Assert.Equal("[\"Device.WiFi.SSID\",\"[SSID:guest]\",1]", JsonSerializerArgs(calls[3]));
        Assert.Equal("[\"Device.WiFi.SSID\",\"4\",0]", JsonSerializerArgs(calls[4]));
        Assert.Contains("declare(", calls[0].Inline!.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_cost_no_store_read_and_another_nodes_write_is_seen_within_the_refresh_interval()
    {
        await PutAsync("one", """{"configurations":[{"type":"provision","name":"one"}]}""");
        await _store.PutScriptAsync(new StoredScript(ScriptKind.Provision, "one", "log(1);", ScriptHash.Of("log(1);"), _time.GetUtcNow(), "test"), default);
        Assert.Single(await _catalog.MatchAsync(Context("2 PERIODIC"), default));
        var reads = _counting.Reads;
        for (var i = 0; i < 1000; i++)
        {
            await _catalog.MatchAsync(Context("2 PERIODIC"), default);
            await _catalog.GetProvisionAsync("one", default);
        }

        Assert.Equal(reads, _counting.Reads);

        // Another node writes straight to the store: seen once the interval has passed, with one revision read.
        await PutAsync("two", """{"configurations":[{"type":"provision","name":"two"}]}""");
        Assert.Single(await _catalog.MatchAsync(Context("2 PERIODIC"), default));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, (await _catalog.MatchAsync(Context("2 PERIODIC"), default)).Count);

        // Nothing changed: one cheap revision read per interval, no reload.
        var afterReload = _counting.Reads;
        _time.Advance(TimeSpan.FromSeconds(5));
        await _catalog.MatchAsync(Context("2 PERIODIC"), default);
        Assert.Equal(afterReload + 1, _counting.Reads);

        // This node's write invalidates at once.
        _catalog.Invalidate();
        await _store.DeletePresetAsync("two", default);
        Assert.Single(await _catalog.MatchAsync(Context("2 PERIODIC"), default));
        Assert.Equal("log(1);", (await _catalog.GetProvisionAsync("one", default))!.Body);
        Assert.Null(await _catalog.GetProvisionAsync("two", default));
    }

    [Fact]
    public async Task Without_a_preset_that_runs_something_the_step_is_told_it_may_skip_matching()
    {
        Assert.False(await _catalog.AnyPresetsAsync(default));
        await PutAsync("empty", """{"configurations":[]}""");
        _catalog.Invalidate();
        Assert.False(await _catalog.AnyPresetsAsync(default));
        await PutAsync("one", """{"configurations":[{"type":"add_tag","tag":"x"}]}""");
        _catalog.Invalidate();
        Assert.True(await _catalog.AnyPresetsAsync(default));
    }

    [Fact]
    public async Task A_relative_precondition_is_judged_at_each_sessions_time()
    {
        await PutAsync("recent", """{"precondition":"registered > now-1h","configurations":[{"type":"provision","name":"recent"}]}""");
        Assert.Single(await _catalog.MatchAsync(Context("2 PERIODIC"), default));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await _catalog.MatchAsync(Context("2 PERIODIC"), default));
    }

    private static string JsonSerializerArgs(ProvisionCall call) => new JsonArray([.. call.Args.Select(a => JsonNode.Parse(a.GetRawText()))]).ToJsonString();

    private async Task PutAsync(string name, string json)
    {
        var preset = PresetDocument.Parse(name, JsonNode.Parse(json), _limits, _time.GetUtcNow());
        await _store.PutPresetAsync(new StoredPreset(name, PresetDocument.ToJson(preset).ToJsonString(), _time.GetUtcNow(), "test"), default);
    }

    private PresetContext Context(string events) => new(
        new Device { Id = new DeviceId("00D09E", "HGW", "PLS1"), RegisteredAt = new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero) },
        events.Split(','),
        new HashSet<string> { "beta" },
        _ => null,
        _time.GetUtcNow());

    /// <summary>The provisioning store, counting reads.</summary>
    private sealed class CountingStore(IProvisioningStore inner) : IProvisioningStore
    {
        public int Reads { get; private set; }

        public Task<long> GetRevisionAsync(CancellationToken cancellationToken) => Count(inner.GetRevisionAsync(cancellationToken));

        public Task<StoredPreset?> GetPresetAsync(string name, CancellationToken cancellationToken) => Count(inner.GetPresetAsync(name, cancellationToken));

        public Task<IReadOnlyList<StoredPreset>> ListPresetsAsync(CancellationToken cancellationToken) => Count(inner.ListPresetsAsync(cancellationToken));

        public Task<bool> PutPresetAsync(StoredPreset preset, CancellationToken cancellationToken) => inner.PutPresetAsync(preset, cancellationToken);

        public Task<bool> DeletePresetAsync(string name, CancellationToken cancellationToken) => inner.DeletePresetAsync(name, cancellationToken);

        public Task<StoredScript?> GetScriptAsync(ScriptKind kind, string name, CancellationToken cancellationToken) => Count(inner.GetScriptAsync(kind, name, cancellationToken));

        public Task<IReadOnlyList<StoredScript>> ListScriptsAsync(ScriptKind kind, CancellationToken cancellationToken) => Count(inner.ListScriptsAsync(kind, cancellationToken));

        public Task<bool> PutScriptAsync(StoredScript script, CancellationToken cancellationToken) => inner.PutScriptAsync(script, cancellationToken);

        public Task<bool> DeleteScriptAsync(ScriptKind kind, string name, CancellationToken cancellationToken) => inner.DeleteScriptAsync(kind, name, cancellationToken);

        public Task<IReadOnlyList<ChannelFault>> ListChannelFaultsAsync(DeviceId? id, Filter? filter, int limit, CancellationToken cancellationToken) => Count(inner.ListChannelFaultsAsync(id, filter, limit, cancellationToken));

        public Task PutChannelFaultAsync(ChannelFault fault, CancellationToken cancellationToken) => inner.PutChannelFaultAsync(fault, cancellationToken);

        public Task<bool> ClearChannelFaultAsync(DeviceId id, string channel, CancellationToken cancellationToken) => inner.ClearChannelFaultAsync(id, channel, cancellationToken);

        public Task<int> DeleteExpiredChannelFaultsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) => inner.DeleteExpiredChannelFaultsAsync(now, limit, cancellationToken);

        private Task<T> Count<T>(Task<T> task)
        {
            Reads++;
            return task;
        }
    }
}
