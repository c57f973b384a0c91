using Palisade.Acs.Campaigns;

namespace Palisade.Acs.Tests.Campaigns;

/// <summary>
/// A campaign's maintenance window read in the device's local time where it reports one (Device.Time.CurrentLocalTime
/// or InternetGatewayDevice.Time.CurrentLocalTime, an xsd:dateTime with an offset), in UTC otherwise (issue 21).
/// </summary>
public sealed class CampaignLocalWindowTests
{
    // 20:00 UTC: 01:30 the next day at +05:30, 12:00 at -08:00.
    private static readonly DateTimeOffset At = new(2026, 12, 6, 20, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-12-06T21:30:00+05:30", true)]
    [InlineData("2026-12-06T08:00:00-08:00", false)]
    [InlineData("2026-12-06T20:00:00Z", false)]
    public void A_1_to_5_window_is_read_at_the_offset_the_device_reported(string localTime, bool inside)
    {
        Assert.Equal(inside, new CampaignWindow(1, 5).ContainsFor(At, localTime));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday at noon")]
    [InlineData("2026-12-06T21:30:00+25:00")]
    [InlineData("2026-12-06T21:30:00")]
    public void A_missing_garbled_or_zoneless_local_time_means_utc(string? localTime)
    {
        Assert.Equal(TimeSpan.Zero, DeviceLocalTime.OffsetOf(localTime));

        // 20:00 UTC is inside 19–21 and outside 1–5, whatever the bad value would have said.
        Assert.True(new CampaignWindow(19, 21).ContainsFor(At, localTime));
        Assert.False(new CampaignWindow(1, 5).ContainsFor(At, localTime));
    }

    [Theory]
    [InlineData(22, 4, 22, 30, true)]
    [InlineData(22, 4, 3, 59, true)]
    [InlineData(22, 4, 4, 0, false)]
    [InlineData(22, 4, 21, 59, false)]
    public void A_window_across_midnight_is_read_in_local_hours(int start, int end, int localHour, int localMinute, bool inside)
    {
        // A device at -08:00 whose local clock shows localHour:localMinute.
        var offset = TimeSpan.FromHours(-8);
        var now = new DateTimeOffset(2026, 12, 6, localHour, localMinute, 0, offset).ToUniversalTime();
        var reported = Palisade.Cwmp.Values.CwmpDateTime.Format(now.ToOffset(offset));

        Assert.Equal(TimeSpan.FromHours(-8), DeviceLocalTime.OffsetOf(reported));
        Assert.Equal(inside, new CampaignWindow(start, end).ContainsFor(now, reported));
    }

    [Fact]
    public void A_half_hour_offset_moves_the_window_by_half_an_hour()
    {
        var window = new CampaignWindow(1, 5);
        const string India = "2026-12-06T00:00:00+05:30";

        // 01:00 local at +05:30 is 19:30 UTC; 19:29 UTC is still 00:59 there.
        Assert.False(window.ContainsFor(new DateTimeOffset(2026, 12, 6, 19, 29, 0, TimeSpan.Zero), India));
        Assert.True(window.ContainsFor(new DateTimeOffset(2026, 12, 6, 19, 30, 0, TimeSpan.Zero), India));
        Assert.True(window.ContainsFor(new DateTimeOffset(2026, 12, 6, 23, 29, 0, TimeSpan.Zero), India));
        Assert.False(window.ContainsFor(new DateTimeOffset(2026, 12, 6, 23, 30, 0, TimeSpan.Zero), India));
    }
}
