using Palisade.Acs.FactoryCredentials;

namespace Palisade.Acs.Tests.FactoryCredentials;

public sealed class FactoryCredentialFileTests
{
    private const string Header = FactoryCredentialFile.Header + "\r\n";

    [Fact]
    public void Quoted_fields_carry_commas_and_quotes_and_empty_connection_request_credentials_are_none()
    {
        var devices = FactoryCredentialFile.Parse(Header + "00D09E-HGW-1,\"a,b\",\"p\"\"q\",,,false\r\n\r\n00D09E-HGW-2,u,p,cu,cp,true\r\n", out var errors);
        Assert.Empty(errors);
        Assert.Equal(2, devices.Count);
        Assert.Equal(("a,b", "p\"q", (string?)null, false, 2), (devices[0].Username, devices[0].Password, devices[0].ConnectionRequestUsername, devices[0].Rotate, devices[0].Line));
        Assert.Equal(("cu", "cp", true, 4), (devices[1].ConnectionRequestUsername, devices[1].ConnectionRequestPassword, devices[1].Rotate, devices[1].Line));
        Assert.DoesNotContain("p\"q", devices[0].ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id,username,password\n00D09E-HGW-1,u,p\n", "line 1: the header")]
    [InlineData(Header + "00D09E-HGW-1,u,p,,,yes\n", "line 2: rotate must be true or false")]
    [InlineData(Header + "00D09E-HGW-1,u,p,cu,,false\n", "line 2: connectionRequestUsername and connectionRequestPassword go together")]
    [InlineData(Header + "00D09E-HGW-1,u,,,,false\n", "line 2: username and password are required")]
    [InlineData(Header + "00D09E-HGW-1,u,p,,false\n", "line 2: 5 fields where the header has 6")]
    [InlineData(Header + "00D09E-HGW-1,\"u,p,,,false\n", "line 2: a quoted field is not closed")]
    [InlineData(Header + "XYZ-HGW-1,u,p,,,false\n", "line 2: 'XYZ-HGW-1' is not a device id")]
    [InlineData(Header + "00D09E-HGW-1,u,p,,,false\n00D09E-HGW-2,u,p,,,false\n00D09E-HGW-1,u,p,,,true\n", "line 4: device '00D09E-HGW-1' is a duplicate of line 2")]
    [InlineData(Header, "line 2: the file lists no device")]
    public void A_bad_line_is_named_and_nothing_is_returned(string text, string expected)
    {
        var devices = FactoryCredentialFile.Parse(text, out var errors);
        Assert.Empty(devices);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_bad_line_is_reported_and_no_password_appears_in_a_message()
    {
        FactoryCredentialFile.Parse(Header + "00D09E-HGW-1,u,pw-one,,,x\n00D09E-HGW-2,u,pw-two\n00D09E-HGW-3,u,pw-three,,,false\n", out var errors);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.DoesNotContain("pw-", e, StringComparison.Ordinal));
    }
}
