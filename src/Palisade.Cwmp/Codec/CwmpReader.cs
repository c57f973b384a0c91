using System.Runtime.InteropServices;
using System.Text;
using System.Xml;
using Palisade.Cwmp.Envelope;

namespace Palisade.Cwmp.Codec;

/// <summary>
/// Parses CWMP SOAP envelopes from untrusted bytes. Streaming (<see cref="XmlReader"/>, no DOM),
/// DTDs prohibited, every bound of <see cref="CwmpLimits"/> enforced. Tolerant of what deployed
/// CPEs really send (any prefixes, missing <c>xsi:type</c>, arrays without <c>arrayType</c>, a
/// missing ID, a BOM, other declared encodings) and strict about everything else: the only
/// exception it throws is <see cref="CwmpException"/>.
/// </summary>
public static class CwmpReader
{
    /// <summary>Parses one HTTP body. An empty (or whitespace-only) body is the empty POST, <see cref="CwmpEnvelope.Empty"/>.</summary>
    /// <exception cref="CwmpException">The body was rejected; <see cref="CwmpException.Reason"/> says why.</exception>
    public static CwmpEnvelope Parse(ReadOnlyMemory<byte> body, CwmpLimits? limits = null)
    {
        limits ??= new CwmpLimits();
        if (body.Length > limits.MaxBodyBytes)
        {
            throw new CwmpException(CwmpErrorReason.BodyTooLarge, $"The body is {body.Length} bytes; the limit is {limits.MaxBodyBytes}.");
        }

        if (IsBlank(body.Span))
        {
            return CwmpEnvelope.Empty;
        }

        if (ContainsDoctype(body.Span))
        {
            throw new CwmpException(CwmpErrorReason.DtdProhibited, "The body declares a DTD; DTDs are not accepted.");
        }

        var stream = MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
        using (stream)
        {
            return ParseBounded(stream, limits);
        }
    }

    /// <summary>Parses a whole body from a stream; more than <see cref="CwmpLimits.MaxBodyBytes"/> bytes is rejected as it is read.</summary>
    /// <exception cref="CwmpException">The body was rejected.</exception>
    public static CwmpEnvelope Parse(Stream body, CwmpLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        limits ??= new CwmpLimits();
        using var bounded = new BoundedStream(body, limits.MaxBodyBytes);
        return ParseBounded(bounded, limits);
    }

    private static CwmpEnvelope ParseBounded(Stream body, CwmpLimits limits)
    {
        try
        {
            using var reader = new BoundedXmlReader(body, limits);
            return new MessageReader(reader).ReadEnvelope();
        }
        catch (CwmpException)
        {
            throw;
        }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.Ordinal))
        {
            throw new CwmpException(CwmpErrorReason.DtdProhibited, "The body declares a DTD; DTDs are not accepted.", e);
        }
        catch (XmlException e)
        {
            throw new CwmpException(CwmpErrorReason.MalformedXml, $"The body is not well-formed XML: {e.Message}", e);
        }
        catch (Exception e) when (e is DecoderFallbackException or ArgumentException or FormatException or OverflowException or IOException or InvalidOperationException)
        {
            // Undecodable text (invalid UTF-8, an unknown declared encoding) surfaces as these.
            throw new CwmpException(CwmpErrorReason.MalformedXml, $"The body could not be read as XML text: {e.Message}", e);
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    // A fast, encoding-agnostic-enough guard: XmlReader refuses DTDs anyway, this only gives
    // the precise reason for the common (ASCII-compatible) case.
    private static bool ContainsDoctype(ReadOnlySpan<byte> body) =>
        body.IndexOf("<!DOCTYPE"u8) >= 0 || body.IndexOf("<!ENTITY"u8) >= 0;
}
