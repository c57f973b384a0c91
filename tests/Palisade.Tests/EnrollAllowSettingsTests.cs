using Palisade.Acs.Devices;
using Palisade.Commands;

namespace Palisade.Tests;

/// <summary><c>--enroll-allow FILE</c> reaches the engine's options, and a bad file stops the start with its line.</summary>
public sealed class EnrollAllowSettingsTests
{
    [Fact]
    public void The_enroll_allow_file_becomes_the_enrollment_allow_list()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["# expected", "00D09E-HGW-SN1", "001122-*"]);
            var options = new ServeSettings().Overlay(new ServeSettings { EnrollAllow = file }).ToOptions();
            var list = options.Authentication.Enrollment.AllowList!;
            Assert.True(list.Allows(new DeviceId("00D09E", "HGW", "SN1")));
            Assert.True(list.Allows(new DeviceId("001122", "X", "Y")));
            Assert.False(list.Allows(new DeviceId("00D09E", "HGW", "SN2")));

            File.WriteAllLines(file, ["00D09E-HGW-SN1", "garbage"]);
            var e = Assert.Throws<InvalidDataException>(() => new ServeSettings { EnrollAllow = file }.ToOptions());
            Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Without_the_option_any_id_may_enroll()
    {
        Assert.Null(new ServeSettings().ToOptions().Authentication.Enrollment.AllowList);
    }
}
