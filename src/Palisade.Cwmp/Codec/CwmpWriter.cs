using System.Text;
using System.Xml;
using Palisade.Cwmp.Envelope;

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
    public static byte[] ToBytes(CwmpEnvelope envelope)
    {
        using var buffer = new MemoryStream(1024);
        Write(envelope, buffer);
        return buffer.ToArray();
    }

    /// <summary>The text of <paramref name="envelope"/>, for logs of tests and tools (never of secrets).</summary>
    public static string ToText(CwmpEnvelope envelope) => Encoding.UTF8.GetString(ToBytes(envelope));
}
