using System.Text.Json;
using Palisade.Acs.Campaigns;

namespace Palisade.Acs.Tests.Campaigns;

/// <summary>The plan's arithmetic: halt rules trip one failure above their threshold, never at it; stages cut the targets as documented; the window wraps midnight.</summary>
public sealed class CampaignPlanTests
{
    [Theory]
    [InlineData(2, null, 10, 2, false)]
    [InlineData(2, null, 10, 3, true)]
    [InlineData(0, null, 10, 1, true)]
    [InlineData(null, 20.0, 10, 2, false)]
    [InlineData(null, 20.0, 10, 3, true)]
    [InlineData(null, 5.0, 100, 5, false)]
    [InlineData(null, 5.0, 100, 6, true)]
    public void A_halt_rule_trips_above_its_threshold_and_not_at_it(int? maxFailures, double? maxPercent, int stageSize, int failed, bool trips)
    {
        var plan = new CampaignPlan([new CampaignStage(100, null, TimeSpan.Zero)], null, 10, TimeSpan.FromMinutes(30), maxFailures, maxPercent);

        var reason = plan.Tripped(0, stageSize, failed);

        Assert.Equal(trips, reason is not null);
    }

    [Fact]
    public void Percents_are_cumulative_counts_add_and_the_last_stage_takes_the_rest()
    {
        var plan = Parse("""{"stages":[{"percent":1},{"percent":10},{"count":5},{"percent":50}]}""");

        var stages = plan.StageOf(1000);

        Assert.Equal([10, 90, 5, 895], Enumerable.Range(0, 4).Select(s => stages.Count(x => x == s)));
        Assert.Equal([1, 0, 0, 0], Enumerable.Range(0, 4).Select(s => plan.StageOf(1).Count(x => x == s)));
    }

    [Fact]
    public void The_plan_round_trips_through_its_json()
    {
        var plan = Parse("""{"stages":[{"percent":1,"soakMinutes":30},{"percent":100}],"window":{"startHour":22,"endHour":4},"maxConcurrency":50,"returnWithinMinutes":45,"halt":{"maxFailures":3,"maxFailurePercent":5}}""");

        var again = CampaignPlanJson.Parse(CampaignPlanJson.Serialize(plan));

        Assert.Equal(plan.Stages, again.Stages);
        Assert.Equal((plan.Window, plan.MaxConcurrency, plan.ReturnWithin, plan.MaxFailures, plan.MaxFailurePercent), (again.Window, again.MaxConcurrency, again.ReturnWithin, again.MaxFailures, again.MaxFailurePercent));
        Assert.Equal(TimeSpan.FromMinutes(30), again.Stages[0].Soak);
    }

    [Theory]
    [InlineData(1, 5, 0, false)]
    [InlineData(1, 5, 1, true)]
    [InlineData(1, 5, 5, false)]
    [InlineData(22, 4, 23, true)]
    [InlineData(22, 4, 3, true)]
    [InlineData(22, 4, 4, false)]
    [InlineData(22, 4, 12, false)]
    public void The_window_is_in_utc_hours_and_wraps_midnight(int start, int end, int hour, bool inside)
    {
        var window = new CampaignWindow(start, end);

        Assert.Equal(inside, window.Contains(new DateTimeOffset(2026, 12, 6, hour, 30, 0, TimeSpan.Zero).ToOffset(TimeSpan.FromHours(2))));
    }

    [Theory]
    [InlineData("""{"stages":[{"count":1.5},{"percent":100}]}""", "stages[0].count")]
    [InlineData("""{"stages":[{"count":0.5},{"percent":100}]}""", "stages[0].count")]
    [InlineData("""{"stages":[{"count":0},{"percent":100}]}""", "stages[0].count")]
    [InlineData("""{"stages":[{"percent":100}],"halt":{"maxFailures":2.5}}""", "halt.maxFailures")]
    public void A_fractional_or_empty_device_count_is_refused_naming_the_field_not_cut_down(string json, string field)
    {
        var refused = Assert.Throws<Palisade.Acs.Services.ServiceException>(() => Parse(json));

        Assert.Equal(field, refused.Field);
    }

    [Fact]
    public void A_stage_of_the_smallest_percent_still_has_a_device()
    {
        var plan = Parse("""{"stages":[{"percent":0.001},{"count":1},{"percent":100}]}""");

        Assert.Equal([1, 1, 8], Enumerable.Range(0, 3).Select(s => plan.StageOf(10).Count(x => x == s)));
    }

    private static CampaignPlan Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return CampaignPlanJson.Parse(document.RootElement);
    }
}
