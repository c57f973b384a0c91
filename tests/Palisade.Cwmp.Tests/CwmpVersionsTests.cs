namespace Palisade.Cwmp.Tests;

public sealed class CwmpVersionsTests
{
    [Theory]
    [InlineData("urn:dslforum-org:cwmp-1-0", CwmpVersion.V1_0)]
    [InlineData("urn:dslforum-org:cwmp-1-1", CwmpVersion.V1_1)]
    [InlineData("urn:dslforum-org:cwmp-1-2", CwmpVersion.V1_2)]
    [InlineData("urn:dslforum-org:cwmp-1-3", CwmpVersion.V1_3)]
    [InlineData("urn:dslforum-org:cwmp-1-4", CwmpVersion.V1_4)]
    public void Each_cwmp_namespace_names_its_version(string ns, CwmpVersion expected)
    {
        Assert.True(CwmpVersions.TryFromNamespace(ns, out var version));
        Assert.Equal(expected, version);
    }

    [Theory]
    [InlineData("urn:dslforum-org:cwmp-1-9")]
    [InlineData("urn:dslforum-org:cwmp-2-0")]
    [InlineData("http://schemas.xmlsoap.org/soap/envelope/")]
    [InlineData("")]
    public void Other_namespaces_are_not_cwmp(string ns) => Assert.False(CwmpVersions.IsCwmpNamespace(ns));

    [Fact]
    public void Versions_from_1_2_on_are_written_in_the_cwmp_1_2_namespace_as_the_BBF_schemas_declare()
    {
        Assert.Equal("urn:dslforum-org:cwmp-1-2", CwmpVersions.NamespaceOf(CwmpVersion.V1_3));
        Assert.Equal("urn:dslforum-org:cwmp-1-2", CwmpVersions.NamespaceOf(CwmpVersion.V1_4));
        Assert.Equal("urn:dslforum-org:cwmp-1-1", CwmpVersions.NamespaceOf(CwmpVersion.V1_1));
    }

    [Fact]
    public void Negotiation_picks_the_highest_common_version()
    {
        Assert.Equal(CwmpVersion.V1_4, CwmpVersions.Negotiate(CwmpVersion.V1_2, ["1.0", "1.2", "1.4"], CwmpVersion.V1_4));
        Assert.Equal(CwmpVersion.V1_3, CwmpVersions.Negotiate(CwmpVersion.V1_2, ["1.0", "1.2", "1.3", "1.4"], CwmpVersion.V1_3));
        Assert.Equal(CwmpVersion.V1_2, CwmpVersions.Negotiate(CwmpVersion.V1_2, ["1.9", "junk"], CwmpVersion.V1_4));
    }

    [Fact]
    public void Without_supported_versions_the_envelope_version_is_used_capped_at_the_acs_maximum()
    {
        Assert.Equal(CwmpVersion.V1_0, CwmpVersions.Negotiate(CwmpVersion.V1_0, null, CwmpVersion.V1_4));
        Assert.Equal(CwmpVersion.V1_1, CwmpVersions.Negotiate(CwmpVersion.V1_2, null, CwmpVersion.V1_1));
    }

    [Fact]
    public void Methods_know_the_version_that_introduced_them()
    {
        Assert.Equal(CwmpVersion.V1_2, CwmpMethods.IntroducedIn("ChangeDUStateResponse"));
        Assert.Equal(CwmpVersion.V1_1, CwmpMethods.IntroducedIn("GetAllQueuedTransfers"));
        Assert.True(CwmpMethods.ExistsIn("Inform", CwmpVersion.V1_0));
        Assert.False(CwmpMethods.ExistsIn("ScheduleDownload", CwmpVersion.V1_1));
    }

    [Fact]
    public void Limits_reject_nonsense_at_start_up()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CwmpLimits { MaxDepth = 2 }.Validate());

        Assert.Contains("MaxDepth", error.Message, StringComparison.Ordinal);
        var defaults = new CwmpLimits();
        Assert.Same(defaults, defaults.Validate());
    }
}
