using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Values;

namespace Palisade.Cwmp.Tests.Codec;

/// <summary>Every file in Corpus/quirks is something a real or plausible CPE sends; each must parse to what it means.</summary>
public sealed class QuirkCorpusTests
{
    public static TheoryData<string> Files() => new(FileNames());

    [Theory]
    [MemberData(nameof(Files))]
    public void Quirk_file_parses(string file)
    {
        var envelope = Parse(file);

        Assert.NotNull(envelope.Body);
    }

    [Fact]
    public void Every_quirk_file_is_documented_in_the_corpus_readme()
    {
        var readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", "quirks", "README.md"));

        Assert.All(FileNames(), file => Assert.Contains(file, readme, StringComparison.Ordinal));
    }

    [Fact]
    public void MikroTik_inform_without_header_has_no_id_and_all_events()
    {
        var envelope = Parse("mikrotik-no-header-single-quotes.xml");

        var inform = Assert.IsType<InformRequest>(envelope.Body);
        Assert.Null(envelope.Header.Id);
        Assert.Equal(["2 PERIODIC", "1 BOOT"], inform.Events.Select(e => e.EventCode));
        Assert.Equal(CwmpVersion.V1_0, envelope.Version);
        Assert.Equal("7.1", inform.ParameterList[1].Value.Text);
    }

    [Fact]
    public void Easycwmp_prefixes_are_just_prefixes()
    {
        var envelope = Parse("easycwmp-underscore-prefixes.xml");

        var inform = Assert.IsType<InformRequest>(envelope.Body);
        Assert.Equal("1", envelope.Header.Id);
        Assert.Equal(CwmpVersion.V1_2, envelope.Version);
        Assert.Equal("QUIRK0002", inform.DeviceId.SerialNumber);
    }

    [Fact]
    public void Huawei_self_closing_value_is_an_empty_string()
    {
        var inform = Assert.IsType<InformRequest>(Parse("huawei-hg8245h-self-closing-values.xml").Body);

        Assert.Equal(string.Empty, inform.ParameterList[0].Value.Text);
        Assert.Equal(XsdType.String, inform.ParameterList[0].Value.Type);
        Assert.Equal(1u, inform.RetryCount);
    }

    [Fact]
    public void Time_without_zone_is_read_as_utc()
    {
        var inform = Assert.IsType<InformRequest>(Parse("huawei-b310-time-without-zone.xml").Body);

        Assert.Equal(new DateTimeOffset(2026, 6, 20, 0, 30, 18, TimeSpan.Zero), inform.CurrentTime);
    }

    [Fact]
    public void Missing_value_element_is_an_empty_string()
    {
        var response = Assert.IsType<GetParameterValuesResponse>(Parse("cisco-spa122-missing-value.xml").Body);

        Assert.Equal("Device.DeviceInfo.DeviceLog", response.ParameterList[0].Name);
        Assert.Equal(string.Empty, response.ParameterList[0].Value.Text);
    }

    [Fact]
    public void Value_without_xsi_type_is_a_string_kept_verbatim()
    {
        var response = Assert.IsType<GetParameterValuesResponse>(Parse("missing-xsi-type.xml").Body);

        Assert.All(response.ParameterList, p => Assert.Equal(XsdType.String, p.Value.Type));
        Assert.Equal(" QUIRK0006 ", response.ParameterList[1].Value.Text);
    }

    [Fact]
    public void Arrays_without_arrayType_are_read_by_their_items()
    {
        var inform = Assert.IsType<InformRequest>(Parse("array-without-arraytype.xml").Body);

        Assert.Single(inform.Events);
        Assert.Equal(42u, inform.ParameterList[0].Value.AsUInt64());
    }

    [Fact]
    public void Id_without_mustUnderstand_is_kept_and_flagged()
    {
        var envelope = Parse("id-without-mustunderstand.xml");

        Assert.Equal("no-mu-8", envelope.Header.Id);
        Assert.False(envelope.Header.IdMustUnderstand);
    }

    [Fact]
    public void Bom_and_crlf_are_accepted_and_crlf_in_values_is_normalised_to_lf()
    {
        var inform = Assert.IsType<InformRequest>(Parse("utf8-bom-crlf.xml").Body);

        Assert.Equal("line one\nline two", inform.ParameterList[0].Value.Text);
    }

    [Fact]
    public void Declared_latin1_is_decoded()
    {
        var response = Assert.IsType<GetParameterValuesResponse>(Parse("iso-8859-1-declared.xml").Body);

        Assert.Equal("Société Générale Réseaux", response.ParameterList[0].Value.Text);
    }

    [Fact]
    public void Inform_with_an_empty_parameter_list_and_unknown_time_parses()
    {
        var inform = Assert.IsType<InformRequest>(Parse("empty-parameterlist.xml").Body);

        Assert.Empty(inform.ParameterList);
        Assert.Equal(string.Empty, inform.DeviceId.ProductClass);
        Assert.True(CwmpDateTime.IsUnknown(inform.CurrentTime));
    }

    [Fact]
    public void Default_namespaces_without_prefixes_parse()
    {
        var envelope = Parse("default-namespace-method.xml");

        var complete = Assert.IsType<TransferCompleteRequest>(envelope.Body);
        Assert.Equal("fw-12", complete.CommandKey);
        Assert.True(complete.Fault.IsSuccess);
        Assert.Equal(CwmpVersion.V1_1, envelope.Version);
        Assert.Equal("12", envelope.Header.Id);
    }

    [Fact]
    public void Capitalised_boolean_is_read()
    {
        var response = Assert.IsType<GetParameterNamesResponse>(Parse("boolean-capitalised.xml").Body);

        Assert.True(response.ParameterList[0].Writable);
        Assert.False(response.ParameterList[1].Writable);
    }

    private static string[] FileNames() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus", "quirks"), "*.xml").Select(f => Path.GetFileName(f)).ToArray();

    private static CwmpEnvelope Parse(string file) =>
        CwmpReader.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "quirks", file)));
}
