using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.ConnectionRequests;

namespace Palisade.Acs.Tests.ConnectionRequests;

public sealed class DeviceAttemptLimiterTests
{
    [Fact]
    public void A_device_gets_its_burst_then_one_request_per_interval_and_others_are_not_affected()
    {
        var time = new FakeTimeProvider();
        var limiter = new DeviceAttemptLimiter(3, TimeSpan.FromSeconds(15), time);
        Assert.True(limiter.TryTake("a"));
        Assert.True(limiter.TryTake("a"));
        Assert.True(limiter.TryTake("a"));
        Assert.False(limiter.TryTake("a"));
        Assert.True(limiter.TryTake("b"));

        time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(limiter.TryTake("a"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryTake("a"));
        Assert.False(limiter.TryTake("a"));
    }
}
