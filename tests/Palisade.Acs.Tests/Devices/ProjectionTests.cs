using Palisade.Acs.Devices;
using Palisade.Acs.Services;

namespace Palisade.Acs.Tests.Devices;

/// <summary>A projection reads each subtree once, however it is named (issue 24 medium 9).</summary>
public sealed class ProjectionTests
{
    [Fact]
    public void Repeated_paths_and_paths_under_a_named_partial_path_are_dropped_in_order()
    {
        var text = string.Join(',', Enumerable.Repeat("Device.", 64)) + ", Device.WiFi.SSID.1.SSID,Device.WiFi.,InternetGatewayDevice.DeviceInfo.UpTime,InternetGatewayDevice.DeviceInfo.UpTime";
        Assert.Equal(["Device.", "InternetGatewayDevice.DeviceInfo.UpTime"], Projection.Parse(text, new ProjectionLimits()));
    }

    [Fact]
    public void A_partial_path_does_not_cover_a_sibling_that_only_shares_its_letters()
    {
        Assert.Equal(["Device.WiFi.", "Device.WiFiX.Enable"], Projection.Parse("Device.WiFi.,Device.WiFiX.Enable", new ProjectionLimits()));
    }

    [Fact]
    public void More_distinct_paths_than_allowed_is_too_much_work()
    {
        var e = Assert.Throws<ServiceException>(() => Projection.Parse("A.x,A.y,A.z", new ProjectionLimits { MaxPaths = 2 }));
        Assert.Equal(ServiceErrorReason.TooMuchWork, e.Reason);
    }
}
