using Microsoft.Extensions.Time.Testing;
using Palisade.Cpe.Agent;
using Palisade.Cpe.Model;

namespace Palisade.Cpe.Tests;

/// <summary>PeriodicInformTime: periodic informs fall on the anchor plus whole intervals, whichever side of now it is.</summary>
public sealed class PeriodicScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Theory]
    [InlineData(-150, 30)]    // anchor 2.5 h ago: the next hour mark after it is 30 min away
    [InlineData(-60, 60)]     // exactly on a mark: the next one, not now
    [InlineData(20, 20)]      // anchor in 20 min: that is the first inform
    [InlineData(200, 20)]     // anchor in 3 h 20: marks repeat backwards too, so 20 min
    [InlineData(-1, 59)]
    public void The_next_inform_is_the_first_anchor_mark_after_now(int anchorMinutes, int expectedMinutes)
    {
        var until = CpeAgent.UntilAnchored(Now.AddMinutes(anchorMinutes), Hour, Now);

        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), until);
    }

    [Fact]
    public void The_anchor_keeps_its_own_time_zone_meaning()
    {
        // 13:30 at +02:00 is 11:30 UTC: with a 15-minute interval the marks are :00, :15, :30, :45 UTC.
        var anchor = new DateTimeOffset(2026, 11, 26, 13, 30, 0, TimeSpan.FromHours(2));

        Assert.Equal(TimeSpan.FromMinutes(15), CpeAgent.UntilAnchored(anchor, TimeSpan.FromMinutes(15), Now));
        Assert.Equal(TimeSpan.FromMinutes(5), CpeAgent.UntilAnchored(anchor.AddMinutes(5), TimeSpan.FromMinutes(15), Now));
    }

    [Theory]
    [InlineData("2026-11-26T11:30:00Z", 30)]      // the anchor's marks: 12:30 is next
    [InlineData("0001-01-01T00:00:00Z", 60)]      // the Unknown Time: no anchor, a full interval
    [InlineData("", 60)]
    public async Task The_agent_schedules_its_next_periodic_inform_from_its_own_parameters(string anchor, int expectedMinutes)
    {
        var time = new FakeTimeProvider(Now);
        var identity = new DeviceIdentity("Palisade Simulated", "00D09E", "SIM-GW", "SCHED1", "SIM-GW 1000", "rev-A");
        var model = new CpeDataModel(AgentFixture.Gateway, identity);
        model.SetInternal(model.Root + "ManagementServer.PeriodicInformInterval", "3600");
        model.SetInternal(model.Root + "ManagementServer.PeriodicInformTime", anchor);
        await using var agent = new CpeAgent(model, new AgentOptions { AcsUrl = new Uri("https://127.0.0.1:1/") }, time);

        agent.ScheduleNextPeriodic(first: false);

        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), agent.UntilPeriodic());
    }
}
