using Palisade.Acs.Provisioning;

namespace Palisade.Acs.Tests.Provisioning;

public sealed class PresetScheduleTests
{
    // Monday 2026-12-07.
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2, 59, false)]
    [InlineData(3, 0, true)]
    [InlineData(3, 59, true)]
    [InlineData(4, 0, false)]
    public void A_window_opens_at_each_time_the_cron_names_and_stays_open_for_its_duration(int hour, int minute, bool open) =>
        Assert.Equal(open, PresetSchedule.Parse("3600 0 3 * * 1-5").IsOpen(Monday.AddHours(hour).AddMinutes(minute)));

    [Fact]
    public void Week_days_only_means_no_window_on_Saturday_and_a_window_may_run_past_midnight()
    {
        var schedule = PresetSchedule.Parse("3600 0 3 * * 1-5");
        Assert.False(schedule.IsOpen(Monday.AddDays(5).AddHours(3).AddMinutes(30)));
        var overnight = PresetSchedule.Parse("7200 0 23 * * *");
        Assert.True(overnight.IsOpen(Monday.AddDays(1).AddMinutes(30)));
        Assert.False(overnight.IsOpen(Monday.AddDays(1).AddHours(1)));
    }

    [Fact]
    public void Six_fields_put_seconds_first()
    {
        var schedule = PresetSchedule.Parse("10 30 0 3 * * *");
        Assert.False(schedule.IsOpen(Monday.AddHours(3).AddSeconds(29)));
        Assert.True(schedule.IsOpen(Monday.AddHours(3).AddSeconds(39)));
        Assert.False(schedule.IsOpen(Monday.AddHours(3).AddSeconds(40)));
    }

    [Theory]
    [InlineData("0 3 * * *")]
    [InlineData("-5 0 3 * * *")]
    [InlineData("3600 0 3 * *")]
    [InlineData("3600 0 24 * * *")]
    [InlineData("99999999 0 3 * * *")]
    public void What_is_not_a_schedule_is_refused(string text) =>
        Assert.Throws<FormatException>(() => PresetSchedule.Parse(text));
}
