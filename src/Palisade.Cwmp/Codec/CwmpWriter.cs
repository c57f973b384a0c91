using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Xml;
using Palisade.Cwmp.Envelope;
using Palisade.Cwmp.Messages;

namespace Palisade.Cwmp.Codec;

/// <summary>
/// Writes CWMP envelopes with <see cref="XmlWriter"/>: the namespace of the envelope's version,
/// SOAP-ENC arrays with <c>arrayType</c>, <c>xsi:type</c> on every value, and nothing that the
/// BBF schema of that version does not define (a method newer than the version is refused).
/// </summary>
public static class CwmpWriter
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        OmitXmlDeclaration = false,
        CloseOutput = false,
        CheckCharacters = true,
        NewLineHandling = NewLineHandling.Entitize,
    };

    /// <summary>Writes <paramref name="envelope"/> to <paramref name="output"/> as UTF-8.</summary>
    /// <exception cref="ArgumentException">The envelope holds a message that does not exist in its version, or text XML cannot carry.</exception>
    public static void Write(CwmpEnvelope envelope, Stream output)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(output);
        if (envelope.Body is { } body && !CwmpMethods.ExistsIn(body.MethodName, envelope.Version))
        {
            throw new ArgumentException($"{body.MethodName} does not exist in CWMP {CwmpVersions.ToText(envelope.Version)}.", nameof(envelope));
        }

        try
        {
            using var writer = XmlWriter.Create(output, Settings);
            new MessageWriter(writer, envelope.Version).WriteEnvelope(envelope);
        }
        catch (XmlException e)
        {
            throw new ArgumentException($"The message holds text XML cannot carry: {e.Message}", nameof(envelope), e);
        }
    }

    /// <summary>The UTF-8 bytes of <paramref name="envelope"/>.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Write"/>.</exception>
    public static byte[] ToBytes(CwmpEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (envelope.Body is InformResponse informResponse && envelope.Header.Id is { Length: > 0 } id && !id.AsSpan().ContainsAnyExcept(VerbatimIdCharacters)
            && TemplateFor(envelope, informResponse) is { } template)
        {
            return template.With(id);
        }

        using var buffer = new MemoryStream(1024);
        Write(envelope, buffer);
        return buffer.ToArray();
    }

    // The InformResponse opens every session and differs from one session to the next only in the ID the CPE
    // chose. Each shape of it (version, the other header fields, MaxEnvelopes: the ACS picks them, so there are a
    // handful) is written once by the XmlWriter with a marker in place of the ID, and then copied with the ID put
    // in, when the ID is made only of characters the XmlWriter writes as they are; any other ID, and any shape past
    // the first few, is written by the XmlWriter each time. Writing it afresh cost an XmlWriter with its buffers,
    // a growing stream and a copy for every session.
    private const string IdMarker = "palisade-id-marker-7c3e";
    private const int MaxTemplates = 32;
    private static readonly SearchValues<char> VerbatimIdCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:/+=@ ");

    // The shape is everything but the ID, as a value: looking a template up allocates nothing.
    private readonly record struct Shape(CwmpVersion Version, uint MaxEnvelopes, bool IdMustUnderstand, bool? HoldRequests, bool? NoMoreRequests, uint? SessionTimeout, string? UseCwmpVersion);

    private static readonly ConcurrentDictionary<Shape, IdTemplate?> Templates = new();

    private static IdTemplate? TemplateFor(CwmpEnvelope envelope, InformResponse body)
    {
        var header = envelope.Header;
        if (header.SupportedCwmpVersions is not null)
        {
            return null;
        }

        var shape = new Shape(envelope.Version, body.MaxEnvelopes, header.IdMustUnderstand, header.HoldRequests, header.NoMoreRequests, header.SessionTimeout, header.UseCwmpVersion);
        if (Templates.TryGetValue(shape, out var known))
        {
            return known;
        }

        if (Templates.Count >= MaxTemplates)
        {
            return null;
        }

        using var buffer = new MemoryStream(1024);
        Write(envelope with { Header = header with { Id = IdMarker } }, buffer);
        return Templates.GetOrAdd(shape, IdTemplate.Create(buffer.ToArray()));
    }

    private sealed class IdTemplate(byte[] prefix, byte[] suffix)
    {
        // Null when the marker is not there exactly once; such a shape is always written afresh.
        public static IdTemplate? Create(byte[] written)
        {
            var marker = Encoding.ASCII.GetBytes(IdMarker);
            var at = written.AsSpan().IndexOf(marker);
            if (at < 0 || written.AsSpan(at + marker.Length).IndexOf(marker) >= 0)
            {
                return null;
            }

            return new IdTemplate(written[..at], written[(at + marker.Length)..]);
        }

        // The ID is ASCII (checked by the caller), so its UTF-8 bytes are one per character.
        public byte[] With(string id)
        {
            var result = new byte[prefix.Length + id.Length + suffix.Length];
            prefix.CopyTo(result, 0);
            Encoding.ASCII.GetBytes(id, result.AsSpan(prefix.Length));
            suffix.CopyTo(result, prefix.Length + id.Length);
            return result;
        }
    }

    /// <summary>The text of <paramref name="envelope"/>, for logs of tests and tools (never of secrets).</summary>
    public static string ToText(CwmpEnvelope envelope) => Encoding.UTF8.GetString(ToBytes(envelope));
}
