using Palisade.Acs.Sessions;

namespace Palisade.Acs.Tests.Sessions;

public sealed class DeviceSessionTableTests
{
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private readonly ManualTime _time = new();

    [Fact]
    public void A_second_session_for_the_same_device_is_refused_while_the_first_is_open()
    {
        var table = new DeviceSessionTable<string>(_time, TimeSpan.FromSeconds(30));

        var first = table.TryOpen("dev-1", "first");
        var second = table.TryOpen("dev-1", "second");

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal("first", table.TryResume(first!));
    }

    [Fact]
    public void Sessions_of_different_devices_are_independent_and_tokens_differ()
    {
        var table = new DeviceSessionTable<string>(_time, TimeSpan.FromSeconds(30));

        var a = table.TryOpen("dev-a", "a");
        var b = table.TryOpen("dev-b", "b");

        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.NotEqual(a, b);
        Assert.Equal(32, a!.Length);
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void An_idle_session_expires_and_frees_its_device_once_swept()
    {
        var table = new DeviceSessionTable<string>(_time, TimeSpan.FromSeconds(30));
        var token = table.TryOpen("dev-1", "old")!;

        _time.Advance(TimeSpan.FromSeconds(31));

        // Until the sweep hands the expired session to its owner (to commit and release it), the device stays busy.
        Assert.Null(table.TryResume(token));
        Assert.Null(table.TryOpen("dev-1", "new"));
        Assert.Equal(["old"], table.SweepExpired());
        Assert.NotNull(table.TryOpen("dev-1", "new"));
    }

    [Fact]
    public void Activity_keeps_a_session_alive_past_the_timeout_measured_from_its_start()
    {
        var table = new DeviceSessionTable<string>(_time, TimeSpan.FromSeconds(30));
        var token = table.TryOpen("dev-1", "s")!;

        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.NotNull(table.TryResume(token));
        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal("s", table.TryResume(token));
        Assert.Null(table.TryOpen("dev-1", "other"));
    }

    [Fact]
    public void Sweep_returns_expired_sessions_so_their_resources_can_be_released()
    {
        var table = new DeviceSessionTable<string>(_time, TimeSpan.FromSeconds(30));
        table.TryOpen("dev-1", "one");
        _time.Advance(TimeSpan.FromSeconds(10));
        table.TryOpen("dev-2", "two");
        _time.Advance(TimeSpan.FromSeconds(25));

        var swept = table.SweepExpired();

        Assert.Equal(["one"], swept);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Closing_a_session_frees_the_device_and_forgets_the_token()
    {
        var table = new DeviceSessionTable<string>(_time, TimeSpan.FromSeconds(30));
        var token = table.TryOpen("dev-1", "s")!;

        Assert.Equal("s", table.Close(token));

        Assert.Null(table.TryResume(token));
        Assert.Null(table.Close(token));
        Assert.NotNull(table.TryOpen("dev-1", "again"));
    }

    [Fact]
    public async Task Concurrent_opens_for_one_device_admit_exactly_one()
    {
        var table = new DeviceSessionTable<string>(_time, TimeSpan.FromSeconds(30));

        var results = await Task.WhenAll(Enumerable.Range(0, 64)
            .Select(i => Task.Run(() => table.TryOpen("dev-1", $"s{i}"))));

        Assert.Single(results, r => r is not null);
    }
}
