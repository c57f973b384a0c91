using CsCheck;
using Palisade.Acs.Devices;

namespace Palisade.Acs.Tests.Devices;

public sealed class DeviceIdTests
{
    [Theory]
    [InlineData("00D09E", "HGW1000", "PLS0000001", "00D09E-HGW1000-PLS0000001")]
    [InlineData("00D09E", "HGW-1000", "S-1", "00D09E-HGW%2D1000-S%2D1")]
    [InlineData("00259E", "", "48575443E204802C", "00259E--48575443E204802C")]
    [InlineData("00D09E", "A B/C", "100%", "00D09E-A%20B%2FC-100%25")]
    [InlineData("00D09E", "Box", "Zürich", "00D09E-Box-Z%C3%BCrich")]
    public void The_text_form_escapes_each_part_reversibly(string oui, string productClass, string serial, string text)
    {
        var id = new DeviceId(oui, productClass, serial);

        Assert.Equal(text, id.ToString());
        Assert.True(DeviceId.TryParse(text, out var parsed));
        Assert.Equal(id, parsed);
    }

    [Fact]
    public void Any_valid_identity_round_trips_through_its_text_form()
    {
        var part = Gen.Char[' ', '\u024F'].Array[1, 40].Select(c => new string(c)).Where(s => !s.Any(char.IsControl));
        Gen.Select(Gen.Char["0123456789ABCDEF"].Array[6].Select(c => new string(c)), part, part).Sample((oui, pc, sn) =>
        {
            Assert.True(DeviceId.TryCreate(oui, pc, sn, out var id, out _));
            Assert.True(DeviceId.TryParse(id.ToString(), out var parsed));
            Assert.Equal(id, parsed);
        });
    }

    // The character checks are exactly char.IsControl's ranges and the hex digits of either case.
    [Theory]
    [InlineData("00d09e", "HGW", "SN1", true)]
    [InlineData("00D09G", "HGW", "SN1", false)]
    [InlineData("00D09E", "HGW", "SN\u0000", false)]
    [InlineData("00D09E", "HGW", "SN\u001F", false)]
    [InlineData("00D09E", "H\u007FW", "SN1", false)]
    [InlineData("00D09E", "HGW", "SN\u0085", false)]
    [InlineData("00D09E", "HGW", "SN\u009F", false)]
    [InlineData("00D09E", "H\u00A0W", "Zürich ~_.", true)]
    public void Identity_parts_are_checked_character_by_character(string oui, string productClass, string serial, bool valid)
    {
        Assert.Equal(valid, DeviceId.TryCreate(oui, productClass, serial, out _, out var error));
        Assert.Equal(valid, error is null);
    }

    // The text form is built once and kept: it must not make equal identities unequal, and a copy with another
    // part must show its own text, not the original's.
    [Fact]
    public void The_kept_text_form_takes_no_part_in_equality_and_is_not_carried_into_copies()
    {
        var id = new DeviceId("00D09E", "HGW", "SN-1");
        var same = new DeviceId("00D09E", "HGW", "SN-1");
        Assert.Equal("00D09E-HGW-SN%2D1", id.ToString());

        Assert.Equal(id, same);
        Assert.Equal(id.GetHashCode(), same.GetHashCode());
        var copy = id with { SerialNumber = "SN-2" };
        Assert.Equal("00D09E-HGW-SN%2D2", copy.ToString());
        Assert.NotEqual(id, copy);
        Assert.Equal(id, copy with { SerialNumber = "SN-1" });
    }

    [Theory]
    [InlineData("00D09E-HGW-1000-S1")]
    [InlineData("00D09E-HGW")]
    [InlineData("00D09E-HGW-S%2")]
    [InlineData("00D09E-HGW-S%zz")]
    [InlineData("00D09E-HGW-S%2d")]
    [InlineData("00D09E-HGW-S 1")]
    [InlineData("XYZ123-HGW-S1")]
    [InlineData("00D09E-HGW-")]
    [InlineData("00D09E-HGW-%FF%FE")]
    public void Malformed_or_non_canonical_text_is_refused(string text)
    {
        Assert.False(DeviceId.TryParse(text, out _));
    }

    [Fact]
    public void A_hostile_serial_becomes_text_without_path_separators_or_spaces()
    {
        var id = new DeviceId("00D09E", "../..", "../../etc/passwd; rm -rf /");

        Assert.DoesNotContain('/', id.ToString());
        Assert.DoesNotContain(' ', id.ToString());
        Assert.DoesNotContain(';', id.ToString());
    }

    [Fact]
    public void An_inform_identity_with_an_invalid_oui_is_refused()
    {
        Assert.False(DeviceId.TryCreate("ZZZZZZ", "pc", "sn", out _, out var error));
        Assert.Contains("OUI", error, StringComparison.Ordinal);
        Assert.False(DeviceId.TryCreate("00D09E", "pc", "", out _, out _));
        Assert.False(DeviceId.TryCreate("00D09E", "pc", new string('s', 65), out _, out _));
    }
}
