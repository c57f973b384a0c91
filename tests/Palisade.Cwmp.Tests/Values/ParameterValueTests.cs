using Palisade.Cwmp.Values;

namespace Palisade.Cwmp.Tests.Values;

public sealed class ParameterValueTests
{
    [Theory]
    [InlineData("xsd:int", "-2147483648")]
    [InlineData("int", "2147483647")]
    [InlineData("xsd:unsignedInt", "4294967295")]
    [InlineData("xsd:long", "-9223372036854775808")]
    [InlineData("xsd:unsignedLong", "18446744073709551615")]
    [InlineData("xsd:boolean", "0")]
    [InlineData("xsd:boolean", "true")]
    [InlineData("xsd:dateTime", "2026-11-25T05:30:00Z")]
    [InlineData("xsd:dateTime", "2026-11-25T05:30:00.123+01:00")]
    [InlineData("xsd:dateTime", "2026-11-25T05:30:00")]
    [InlineData("xsd:dateTime", "0001-01-01T00:00:00Z")]
    [InlineData("xsd:base64", "AAECAw==")]
    [InlineData("xsd:base64Binary", "")]
    [InlineData("xsd:hexBinary", "00ff10")]
    [InlineData("xsd:string", "anything at all")]
    [InlineData("cwmp:IPAddress", "192.0.2.1")]
    public void Values_that_fit_their_type_are_accepted(string type, string text)
    {
        var value = ParameterValue.Parse(type, text);

        Assert.Equal(text.Trim(), value.Text);
    }

    [Theory]
    [InlineData("xsd:int", "2147483648")]
    [InlineData("xsd:int", "1.5")]
    [InlineData("xsd:unsignedInt", "-1")]
    [InlineData("xsd:unsignedInt", "4294967296")]
    [InlineData("xsd:long", "9223372036854775808")]
    [InlineData("xsd:unsignedLong", "18446744073709551616")]
    [InlineData("xsd:boolean", "yes")]
    [InlineData("xsd:boolean", "2")]
    [InlineData("xsd:dateTime", "yesterday")]
    [InlineData("xsd:dateTime", "2026-13-01T00:00:00Z")]
    [InlineData("xsd:base64", "not base64!")]
    [InlineData("xsd:hexBinary", "abc")]
    [InlineData("xsd:hexBinary", "zz")]
    public void Values_that_do_not_fit_their_type_are_a_clear_error(string type, string text)
    {
        var error = Assert.Throws<CwmpException>(() => ParameterValue.Parse(type, text));

        Assert.Equal(CwmpErrorReason.InvalidArguments, error.Reason);
        Assert.Contains("is not a valid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Whitespace_around_numbers_is_collapsed_but_kept_in_strings()
    {
        Assert.Equal("42", ParameterValue.Parse("xsd:unsignedInt", "  42\n").Text);
        Assert.Equal("  42\n", ParameterValue.Parse("xsd:string", "  42\n").Text);
    }

    [Fact]
    public void A_missing_type_means_string()
    {
        Assert.Equal(XsdType.String, ParameterValue.Parse(null, "x").Type);
        Assert.Equal(XsdType.String, ParameterValue.Parse("", "x").Type);
    }

    [Fact]
    public void Vendor_types_are_kept_with_their_name()
    {
        var value = ParameterValue.Parse("xsd:IPv6Address", "2001:db8::1");

        Assert.Equal(XsdType.Other, value.Type);
        Assert.Equal("IPv6Address", value.TypeName);
    }

    [Fact]
    public void Typed_accessors_read_what_factories_wrote()
    {
        var time = new DateTimeOffset(2026, 11, 25, 5, 30, 0, TimeSpan.FromHours(2));

        Assert.Equal(-7, ParameterValue.Int(-7).AsInt64());
        Assert.Equal(ulong.MaxValue, ParameterValue.UnsignedLong(ulong.MaxValue).AsUInt64());
        Assert.True(ParameterValue.Boolean(true).AsBoolean());
        Assert.Equal(time, ParameterValue.DateTime(time).AsDateTime());
        Assert.Equal([1, 2, 255], ParameterValue.Base64([1, 2, 255]).AsBytes());
        Assert.Equal([1, 2, 255], ParameterValue.HexBinary([1, 2, 255]).AsBytes());
    }

    [Fact]
    public void Unknown_time_is_recognised_and_formatted_with_its_zone()
    {
        Assert.True(CwmpDateTime.TryParse("0001-01-01T00:00:00Z", out var unknown));
        Assert.True(CwmpDateTime.IsUnknown(unknown));
        Assert.Equal("0001-01-01T00:00:00Z", CwmpDateTime.Format(CwmpDateTime.Unknown));
        Assert.Equal("2026-01-02T03:04:05.5-05:00", CwmpDateTime.Format(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 500, TimeSpan.FromHours(-5))));
    }

    [Fact]
    public void Reading_a_value_as_the_wrong_type_says_so()
    {
        Assert.Throws<FormatException>(() => ParameterValue.String("abc").AsInt64());
        Assert.Throws<FormatException>(() => ParameterValue.String("abc").AsBytes());
    }
}
