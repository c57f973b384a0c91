using Palisade.Acs.Sessions;

namespace Palisade.Acs.Tests.Sessions;

public sealed class LoadShedderTests
{
    [Fact]
    public void Sessions_above_the_limit_are_shed_until_one_is_released()
    {
        var shedder = new LoadShedder(new SessionOptions { MaxSessionsInFlight = 2 });

        Assert.True(shedder.TryAdmit());
        Assert.True(shedder.TryAdmit());
        Assert.False(shedder.TryAdmit());

        shedder.Release();
        Assert.True(shedder.TryAdmit());
        Assert.Equal(2, shedder.InFlight);
    }

    [Fact]
    public void Retry_after_stays_within_base_plus_jitter_and_varies()
    {
        var options = new SessionOptions { RetryAfter = TimeSpan.FromSeconds(10), RetryAfterJitter = TimeSpan.FromSeconds(20) };
        var shedder = new LoadShedder(options);

        var values = Enumerable.Range(0, 200).Select(_ => shedder.NextRetryAfter()).ToList();

        Assert.All(values, v => Assert.InRange(v.TotalSeconds, 10, 30));
        Assert.True(values.Distinct().Count() > 1, "jitter must spread retries");
    }

    [Fact]
    public void Releasing_more_than_admitted_is_a_bug_that_is_reported()
    {
        var shedder = new LoadShedder(new SessionOptions());

        Assert.Throws<InvalidOperationException>(shedder.Release);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Options_with_a_non_positive_session_limit_are_rejected_at_start(int limit)
    {
        var options = new SessionOptions { MaxSessionsInFlight = limit };

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Contains("MaxSessionsInFlight", error.Message, StringComparison.Ordinal);
    }
}
