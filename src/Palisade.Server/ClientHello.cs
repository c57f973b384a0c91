using System.Buffers;
using System.Buffers.Binary;

namespace Palisade.Server;

/// <summary>
/// Reads the one fact Palisade needs from a TLS ClientHello before the handshake: whether the client offers TLS 1.3
/// (RFC 8446 §4.2.1, the supported_versions extension). The bytes come straight from the network: every length is
/// checked against what is there, nothing is allocated for a hello that fits one segment, and anything malformed or
/// cut short reads as "does not offer TLS 1.3" (the stricter TLS 1.2 policy then applies, or OpenSSL refuses it).
/// </summary>
internal static class ClientHello
{
    private const byte HandshakeRecord = 22;
    private const byte ClientHelloMessage = 1;
    private const ushort SupportedVersions = 0x002b;
    private const ushort Tls13 = 0x0304;

    /// <summary>Whether the first TLS record (header included) is a ClientHello listing TLS 1.3 among its versions.</summary>
    public static bool OffersTls13(ReadOnlySequence<byte> record) =>
        record.IsSingleSegment ? OffersTls13(record.FirstSpan) : OffersTls13((ReadOnlySpan<byte>)record.ToArray());

    /// <inheritdoc cref="OffersTls13(ReadOnlySequence{byte})"/>
    public static bool OffersTls13(ReadOnlySpan<byte> record)
    {
        // Record header: type, legacy version, length; then the handshake header: type, 24-bit length.
        if (record.Length < 9 || record[0] != HandshakeRecord || record[5] != ClientHelloMessage)
        {
            return false;
        }

        var hello = record[9..];
        var length = (record[6] << 16) | (record[7] << 8) | record[8];
        if (length < hello.Length)
        {
            hello = hello[..length];
        }

        // legacy_version (2) and random (32), then session id, cipher suites and compression methods by length.
        if (!Skip(ref hello, 34) || !SkipVector(ref hello, 1) || !SkipVector(ref hello, 2) || !SkipVector(ref hello, 1)
            || !TakeVector(ref hello, 2, out var extensions))
        {
            return false;
        }

        while (extensions.Length >= 4)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
            if (!Skip(ref extensions, 2) || !TakeVector(ref extensions, 2, out var body))
            {
                return false;
            }

            if (type != SupportedVersions)
            {
                continue;
            }

            if (!TakeVector(ref body, 1, out var versions))
            {
                return false;
            }

            for (var i = 0; i + 1 < versions.Length; i += 2)
            {
                if (BinaryPrimitives.ReadUInt16BigEndian(versions[i..]) == Tls13)
                {
                    return true;
                }
            }

            return false;
        }

        return false;
    }

    private static bool Skip(ref ReadOnlySpan<byte> span, int count)
    {
        if (span.Length < count)
        {
            return false;
        }

        span = span[count..];
        return true;
    }

    private static bool SkipVector(ref ReadOnlySpan<byte> span, int lengthBytes) => TakeVector(ref span, lengthBytes, out _);

    private static bool TakeVector(ref ReadOnlySpan<byte> span, int lengthBytes, out ReadOnlySpan<byte> vector)
    {
        vector = default;
        if (span.Length < lengthBytes)
        {
            return false;
        }

        var length = lengthBytes == 1 ? span[0] : BinaryPrimitives.ReadUInt16BigEndian(span);
        span = span[lengthBytes..];
        if (span.Length < length)
        {
            return false;
        }

        vector = span[..length];
        span = span[length..];
        return true;
    }
}
