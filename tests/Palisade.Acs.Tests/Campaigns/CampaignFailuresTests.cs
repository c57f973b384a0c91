using Palisade.Acs.Campaigns;

namespace Palisade.Acs.Tests.Campaigns;

/// <summary>A failure reason is stored and becomes a metric label; its fault code comes from the CPE.</summary>
public sealed class CampaignFailuresTests
{
    [Theory]
    [InlineData(9018, "bad-signature")]
    [InlineData(9010, "download-fault-9010")]
    [InlineData(9000, "download-fault-9000")]
    [InlineData(9032, "download-fault-9032")]
    [InlineData(9800, "download-fault-vendor")]
    [InlineData(9899, "download-fault-vendor")]
    [InlineData(9033, "download-fault-other")]
    [InlineData(0, "download-fault-other")]
    [InlineData(-1, "download-fault-other")]
    [InlineData(int.MaxValue, "download-fault-other")]
    [InlineData(8002, "download-fault-other")]
    public void A_fault_code_maps_to_a_reason(int code, string reason) =>
        Assert.Equal(reason, CampaignFailures.DownloadFault(code));

    [Fact]
    public void Whatever_codes_a_fleet_sends_the_reasons_stay_few() =>
        Assert.True(Enumerable.Range(-100_000, 300_000).Select(CampaignFailures.DownloadFault).Distinct().Count() <= 36);
}
