using CsCheck;
using Palisade.Cwmp.Codec;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Cwmp.Tests.Codec;

/// <summary>Generated messages round-trip; generated and mutated bytes never escape as anything but CwmpException.</summary>
public sealed class PropertyTests
{
    // XML 1.0 can carry these characters; \r survives because the writer entitises it.
    private static readonly Gen<char> XmlChar = Gen.Frequency(
        (8, Gen.Char[' ', '~']),
        (2, Gen.Char['\u00A0', '\uD7FF']),
        (1, Gen.OneOf('\t', '\n', '\r', '<', '&', '>', '"', '\'')));

    // Whitespace-only strings included: a value of spaces reads back as those spaces.
    private static readonly Gen<string> XmlString = XmlChar.Array[0, 40].Select(chars => new string(chars));

    private static readonly Gen<DateTimeOffset> Time =
        Gen.Select(Gen.Long[new DateTime(1970, 1, 1).Ticks, new DateTime(2100, 1, 1).Ticks], Gen.Int[-14 * 60, 14 * 60],
            (ticks, minutes) => new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes)));

    private static readonly Gen<ParameterValue> Value = Gen.OneOf(
        XmlString.Select(ParameterValue.String),
        Gen.Int.Select(ParameterValue.Int),
        Gen.UInt.Select(ParameterValue.UnsignedInt),
        Gen.Long.Select(ParameterValue.Long),
        Gen.ULong.Select(ParameterValue.UnsignedLong),
        Gen.Bool.Select(ParameterValue.Boolean),
        Time.Select(ParameterValue.DateTime),
        Gen.Byte.Array[0, 32].Select(b => ParameterValue.Base64(b)),
        Gen.Byte.Array[0, 32].Select(b => ParameterValue.HexBinary(b)));

    private static readonly Gen<ParameterValueStruct> Parameter =
        Gen.Select(XmlString, Value, (name, value) => new ParameterValueStruct("Device." + name, value));

    private static readonly Gen<CwmpVersion> Version = Gen.OneOf([.. CwmpVersions.All]);

    [Fact]
    public void Arbitrary_parameter_lists_round_trip_in_every_version()
    {
        Gen.Select(Parameter.Array[0, 30], Version).Sample((parameters, version) =>
        {
            var message = new GetParameterValuesResponse(parameters);

            var parsed = CwmpReader.Parse(CwmpWriter.ToBytes(CwmpEnvelope.For(version, "p", message)));

            Assert.Equal(message, parsed.Body);
        });
    }

    // ToBytes copies InformResponses from a template with the ID put in; it must give the very bytes the XmlWriter
    // writes, for IDs it copies and IDs it must not (markup, entities, non-ASCII), in every shape of header.
    [Fact]
    public void InformResponses_are_the_bytes_the_xml_writer_writes()
    {
        var id = Gen.Frequency(
            (3, Gen.Char["0123456789abcdefXYZ-_.:/+=@ "].Array[1, 24].Select(c => new string(c))),
            (1, XmlString));
        var header = Gen.Select(id, Gen.Bool, Gen.Bool.Select(b => b ? "1.4" : null), Gen.Int[0, 2].Select(n => n == 0 ? (bool?)null : n == 1),
            (i, mustUnderstand, use, hold) => new CwmpHeader { Id = i, IdMustUnderstand = mustUnderstand, UseCwmpVersion = use, HoldRequests = hold });
        Gen.Select(Version, header, Gen.UInt[0, 3]).Sample((version, h, max) =>
        {
            var envelope = new CwmpEnvelope(version, h, new InformResponse(max));
            byte[]? written = null;
            try
            {
                using var stream = new MemoryStream();
                CwmpWriter.Write(envelope, stream);
                written = stream.ToArray();
            }
            catch (ArgumentException)
            {
                // A header this version cannot carry: ToBytes must refuse it too.
            }

            if (written is null)
            {
                Assert.Throws<ArgumentException>(() => CwmpWriter.ToBytes(envelope));
            }
            else
            {
                Assert.Equal(System.Text.Encoding.UTF8.GetString(written), System.Text.Encoding.UTF8.GetString(CwmpWriter.ToBytes(envelope)));
            }
        }, iter: 2000);
    }

    [Fact]
    public void Arbitrary_informs_round_trip()
    {
        var device = Gen.Select(XmlString, Gen.Char["0123456789ABCDEF"].Array[6].Select(c => new string(c)), XmlString, XmlString,
            (m, oui, pc, sn) => new DeviceIdStruct(m, oui, pc, sn));
        var events = Gen.Select(XmlString, XmlString, (code, key) => new EventStruct($"X 00D09E {code.Trim()}E", key)).Array[0, 5];
        Gen.Select(device, events, Time, Gen.UInt, Parameter.Array[0, 20]).Sample((d, e, t, retries, p) =>
        {
            var inform = new InformRequest(d, e, 1, t, retries, p);

            var parsed = CwmpReader.Parse(CwmpWriter.ToBytes(CwmpEnvelope.For(CwmpVersion.V1_4, "i", inform)));

            Assert.Equal(inform, parsed.Body);
        });
    }

    [Fact]
    public void Arbitrary_bytes_never_throw_anything_but_CwmpException()
    {
        Gen.Byte.Array[0, 512].Sample(bytes => ParsesOrRejects(bytes), iter: 2000);
    }

    [Fact]
    public void Mutated_valid_messages_never_throw_anything_but_CwmpException()
    {
        var seeds = Support.Samples.All()
            .Where(s => CwmpMethods.ExistsIn(s.Message.MethodName, CwmpVersion.V1_4))
            .Select(s => CwmpWriter.ToBytes(CwmpEnvelope.For(CwmpVersion.V1_4, "m", s.Message)))
            .ToArray();
        var mutation = Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Int[0, int.MaxValue], Gen.Byte, Gen.Int[0, 2]);

        mutation.Array[1, 8].Sample(steps =>
        {
            var bytes = seeds[steps[0].Item1].ToList();
            foreach (var (_, position, value, kind) in steps)
            {
                var at = position % Math.Max(1, bytes.Count);
                switch (kind)
                {
                    case 0 when bytes.Count > 0: bytes[at] = value; break;
                    case 1: bytes.Insert(at, value); break;
                    case 2 when bytes.Count > 0: bytes.RemoveAt(at); break;
                }
            }

            ParsesOrRejects([.. bytes]);
        }, iter: 3000);
    }

    private static void ParsesOrRejects(byte[] bytes)
    {
        try
        {
            CwmpReader.Parse(bytes);
        }
        catch (CwmpException)
        {
            // The one exception the parser may throw.
        }
    }
}
