using Palisade.Acs.Sessions;

namespace Palisade.Acs.Tests.Sessions;

public sealed class FaultMetricLabelTests
{
    [Theory]
    [InlineData(8005)]
    [InlineData(9002)]
    [InlineData(9899)]
    public void A_fault_code_of_the_specifications_ranges_is_its_own_label(int code)
    {
        Assert.Equal(code, SessionMetrics.FaultCodeLabel(code));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7999)]
    [InlineData(9900)]
    [InlineData(123456789)]
    [InlineData(-1)]
    public void A_code_a_cpe_invented_is_counted_as_other_so_it_cannot_grow_the_series(int code)
    {
        Assert.Equal("other", SessionMetrics.FaultCodeLabel(code));
    }
}
