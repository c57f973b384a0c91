using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Devices;
using Palisade.Acs.Provisioning;
using Palisade.Storage.Sqlite;

namespace Palisade.Acs.Tests.Provisioning;

public sealed class ChannelFaultServiceTests : IAsyncLifetime
{
    private static readonly DeviceId Device = new("00D09E", "HGW", "PLS0000001");
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "palisade-faults-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000));
    private SqliteStore _store = null!;
    private ChannelFaultService _faults = null!;

    public Task InitializeAsync()
    {
        _store = SqliteStore.Open(new SqliteStoreOptions { DataDirectory = _folder });
        _faults = new ChannelFaultService(_store, new ChannelFaultOptions { RetryDelay = TimeSpan.FromMinutes(5), MaxRetryDelay = TimeSpan.FromMinutes(30), Expiry = TimeSpan.FromDays(1) }, _time);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Each_fault_in_a_row_doubles_the_wait_up_to_the_cap_and_a_clear_starts_afresh()
    {
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var fault = await _faults.RecordAsync(Device, "wifi", Report(), default);
            Assert.Equal(i, fault.Retries);
            Assert.True(fault.Blocks(_time.GetUtcNow()));
            waits.Add(fault.RetryAt - _time.GetUtcNow());
            _time.Advance(fault.RetryAt - _time.GetUtcNow());
            Assert.False(fault.Blocks(_time.GetUtcNow()));
        }

        Assert.Equal([5, 10, 20, 30, 30], waits.Select(w => (int)w.TotalMinutes));
        Assert.True(await _faults.ClearAsync(Device, "wifi", default));
        Assert.Equal(0, (await _faults.RecordAsync(Device, "wifi", Report(), default)).Retries);
    }

    [Fact]
    public async Task The_sweep_deletes_expired_faults_from_the_store_at_most_once_per_interval()
    {
        var other = new DeviceId("00D09E", "HGW", "PLS0000002");
        await _faults.RecordAsync(Device, "wifi", Report(), default);
        Assert.Equal(0, await _faults.SweepAsync(default));
        _time.Advance(TimeSpan.FromMinutes(5));
        await _faults.RecordAsync(other, "wifi", Report(), default);

        // A day on, the first fault has expired and the sweep (ten minutes apart) deletes it; the other has 5 min to go.
        _time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(5));
        Assert.Equal(1, await _faults.SweepAsync(default));
        Assert.Empty(await _store.ListChannelFaultsAsync(Device, null, 10, default));
        Assert.Single(await _store.ListChannelFaultsAsync(other, null, 10, default));

        // The other expires 5 min later, but the next sweep is not due before 10 min have passed.
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(0, await _faults.SweepAsync(default));
        Assert.Single(await _store.ListChannelFaultsAsync(other, null, 10, default));
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(1, await _faults.SweepAsync(default));
        Assert.Empty(await _store.ListChannelFaultsAsync(other, null, 10, default));
    }

    [Fact]
    public async Task A_fault_in_one_channel_leaves_the_others_free_and_an_expired_fault_is_forgotten()
    {
        await _faults.RecordAsync(Device, "wifi", Report(), default);
        var faults = await _faults.GetAsync(Device, default);
        Assert.Equal(["wifi"], faults.Keys);
        Assert.False(faults.ContainsKey("default"));

        _time.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await _faults.GetAsync(Device, default));
        Assert.Equal(0, (await _faults.RecordAsync(Device, "wifi", Report(), default)).Retries);
    }

    [Fact]
    public async Task Fault_text_is_cut_to_its_bounds()
    {
        var fault = await _faults.RecordAsync(Device, "default", new ChannelFaultReport("script.error", new string('m', 5000), new string('d', 100_000), ["default"]), default);
        Assert.Equal(1024, fault.Message.Length);
        Assert.Equal(16 * 1024, fault.Detail!.Length);
    }

    private static ChannelFaultReport Report() => new("script.timeout", "The script ran out of time.", null, ["wifi"]);
}
