using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Tests.Support;

namespace Palisade.Cwmp.Tests.Codec;

public sealed class RoundTripTests
{
    public static TheoryData<string, CwmpVersion> EveryMessageInEveryVersion()
    {
        var data = new TheoryData<string, CwmpVersion>();
        foreach (var (message, since) in Samples.All())
        {
            foreach (var version in CwmpVersions.All.Where(v => v >= since))
            {
                data.Add(Key(message), version);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMessageInEveryVersion))]
    public void Written_message_parses_back_to_an_equal_message(string key, CwmpVersion version)
    {
        var message = Find(key);
        var envelope = CwmpEnvelope.For(version, "id-7", message);

        var parsed = CwmpReader.Parse(CwmpWriter.ToBytes(envelope));

        Assert.Equal(message, parsed.Body);
        Assert.Equal("id-7", parsed.Header.Id);
        Assert.Equal(CwmpVersions.NamespaceOf(version), CwmpVersions.NamespaceOf(parsed.Version));
    }

    [Theory]
    [MemberData(nameof(EveryMessageInEveryVersion))]
    public void Written_message_validates_against_the_BBF_schema_of_its_version(string key, CwmpVersion version)
    {
        var envelope = CwmpEnvelope.For(version, "id-1", Find(key));

        var errors = SchemaValidator.Validate(CwmpWriter.ToBytes(envelope), version);

        Assert.Empty(errors);
    }

    [Fact]
    public void Every_message_type_has_a_sample()
    {
        var types = typeof(CwmpMessage).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(CwmpMessage)) && !t.IsAbstract)
            .Select(t => t.Name)
            .ToHashSet();
        var sampled = Samples.All().Select(s => s.Message.GetType().Name).ToHashSet();

        Assert.Empty(types.Except(sampled));
    }

    [Fact]
    public void A_method_newer_than_the_envelope_version_is_refused_by_the_writer()
    {
        var envelope = CwmpEnvelope.For(CwmpVersion.V1_0, "1", new CancelTransferRequest("k"));

        var error = Assert.Throws<ArgumentException>(() => CwmpWriter.ToBytes(envelope));
        Assert.Contains("CancelTransfer does not exist in CWMP 1.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Headers_round_trip_in_CWMP_1_4()
    {
        var header = new CwmpHeader
        {
            Id = "abc",
            HoldRequests = true,
            SessionTimeout = 60,
            SupportedCwmpVersions = ["1.0", "1.2", "1.4"],
            UseCwmpVersion = "1.4",
        };
        var envelope = new CwmpEnvelope(CwmpVersion.V1_4, header, new Messages.InformResponse(1));

        var bytes = CwmpWriter.ToBytes(envelope);
        var parsed = CwmpReader.Parse(bytes);

        Assert.Equal(header, parsed.Header);
        Assert.Empty(SchemaValidator.Validate(bytes, CwmpVersion.V1_4));
    }

    [Fact]
    public void NoMoreRequests_round_trips_in_CWMP_1_0_only()
    {
        var header = new CwmpHeader { Id = "1", NoMoreRequests = true };

        var v10 = CwmpReader.Parse(CwmpWriter.ToBytes(new CwmpEnvelope(CwmpVersion.V1_0, header, new Messages.InformResponse(1))));
        var v12 = CwmpReader.Parse(CwmpWriter.ToBytes(new CwmpEnvelope(CwmpVersion.V1_2, header, new Messages.InformResponse(1))));

        Assert.True(v10.Header.NoMoreRequests);
        Assert.Null(v12.Header.NoMoreRequests);
    }

    [Fact]
    public void An_envelope_with_an_empty_body_round_trips_as_empty()
    {
        var envelope = new CwmpEnvelope(CwmpVersion.V1_2, new CwmpHeader { Id = "9" }, null);

        var parsed = CwmpReader.Parse(CwmpWriter.ToBytes(envelope));

        Assert.True(parsed.IsEmpty);
        Assert.Equal("9", parsed.Header.Id);
    }

    private static string Key(CwmpMessage message) => message is CwmpFault f ? $"Fault{f.FaultCode}" : message.GetType().Name;

    private static CwmpMessage Find(string key) => Samples.All().Select(s => s.Message).First(m => Key(m) == key);
}
