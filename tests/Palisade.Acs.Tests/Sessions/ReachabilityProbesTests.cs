using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Sessions;

namespace Palisade.Acs.Tests.Sessions;

public sealed class ReachabilityProbesTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Only_a_token_this_process_minted_counts_and_an_arrival_is_taken_once()
    {
        var probes = new ReachabilityProbes(_time);
        var token = probes.TokenFor(7);

        Assert.False(TryRecordArrival(probes, "7-" + new string('a', 32)));
        Assert.False(TryRecordArrival(probes, new ReachabilityProbes(_time).TokenFor(7)));
        Assert.False(TryRecordArrival(probes, token.Replace("7-", "8-", StringComparison.Ordinal)));
        Assert.False(TryRecordArrival(probes, "../../etc/passwd"));
        Assert.False(probes.TakeArrival(7));

        Assert.True(TryRecordArrival(probes, token));
        Assert.True(probes.TakeArrival(7));
        Assert.False(probes.TakeArrival(7));
    }

    [Fact]
    public void An_arrival_older_than_an_hour_no_longer_counts()
    {
        var probes = new ReachabilityProbes(_time);
        Assert.True(TryRecordArrival(probes, probes.TokenFor(1)));

        _time.Advance(TimeSpan.FromMinutes(61));

        Assert.False(probes.TakeArrival(1));
    }

    // What the probe address does: verify the token, then record the arrival of the task it names.
    private static bool TryRecordArrival(ReachabilityProbes probes, string token)
    {
        if (!probes.TryVerify(token, out var taskId))
        {
            return false;
        }

        probes.RecordArrival(taskId);
        return true;
    }
}
