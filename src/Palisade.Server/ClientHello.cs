using System.Buffers;
using System.Buffers.Binary;

namespace Palisade.Server;

/// <summary>What a ClientHello says about the versions its client speaks.</summary>
internal enum OfferedVersions
{
    /// <summary>The hello could not be read to its end (malformed, or continued in a later record).</summary>
    Unknown,

    /// <summary>A complete hello without TLS 1.3 among its supported versions.</summary>
    Tls12Only,

    /// <summary>A complete hello listing TLS 1.3.</summary>
    Tls13,
}

/// <summary>
/// Reads the one fact Palisade needs from a TLS ClientHello before the handshake: whether the client offers TLS 1.3
/// (RFC 8446 §4.2.1, the supported_versions extension). The bytes come straight from the network: every length is
/// checked against what is there, nothing is allocated for a hello that fits one segment, and a hello that cannot be
/// read to its end is <see cref="OfferedVersions.Unknown"/>, never TLS 1.3.
/// </summary>
internal static class ClientHello
{
    private const byte HandshakeRecord = 22;
    private const byte ClientHelloMessage = 1;
    private const ushort SupportedVersions = 0x002b;
    private const ushort Tls13 = 0x0304;

    /// <summary>The versions offered by the ClientHello in the first TLS record (header included).</summary>
    public static OfferedVersions Read(ReadOnlySequence<byte> record) =>
        record.IsSingleSegment ? Read(record.FirstSpan) : Read((ReadOnlySpan<byte>)record.ToArray());

    /// <inheritdoc cref="Read(ReadOnlySequence{byte})"/>
    public static OfferedVersions Read(ReadOnlySpan<byte> record)
    {
        // Record header: type, legacy version, 16-bit length; then the handshake header: type, 24-bit length. The
        // whole hello must be in this record (a longer one continues in the next, which is not seen here), and
        // nothing past the record's own length is read.
        if (record.Length < 9 || record[0] != HandshakeRecord)
        {
            return OfferedVersions.Unknown;
        }

        var fragmentLength = BinaryPrimitives.ReadUInt16BigEndian(record[3..]);
        if (fragmentLength > record.Length - 5)
        {
            return OfferedVersions.Unknown;
        }

        var fragment = record.Slice(5, fragmentLength);
        if (fragment.Length < 4 || fragment[0] != ClientHelloMessage)
        {
            return OfferedVersions.Unknown;
        }

        var hello = fragment[4..];
        var length = (fragment[1] << 16) | (fragment[2] << 8) | fragment[3];
        if (length > hello.Length)
        {
            return OfferedVersions.Unknown;
        }

        hello = hello[..length];

        // legacy_version (2) and random (32), then session id, cipher suites and compression methods by length.
        if (!Skip(ref hello, 34) || !SkipVector(ref hello, 1) || !SkipVector(ref hello, 2) || !SkipVector(ref hello, 1))
        {
            return OfferedVersions.Unknown;
        }

        if (hello.IsEmpty)
        {
            return OfferedVersions.Tls12Only;
        }

        if (!TakeVector(ref hello, 2, out var extensions))
        {
            return OfferedVersions.Unknown;
        }

        var offered = OfferedVersions.Tls12Only;
        while (!extensions.IsEmpty)
        {
            if (extensions.Length < 4)
            {
                return OfferedVersions.Unknown;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(extensions);
            if (!Skip(ref extensions, 2) || !TakeVector(ref extensions, 2, out var body))
            {
                return OfferedVersions.Unknown;
            }

            if (type != SupportedVersions)
            {
                continue;
            }

            if (!TakeVector(ref body, 1, out var versions) || versions.Length % 2 != 0)
            {
                return OfferedVersions.Unknown;
            }

            for (var i = 0; i < versions.Length; i += 2)
            {
                if (BinaryPrimitives.ReadUInt16BigEndian(versions[i..]) == Tls13)
                {
                    offered = OfferedVersions.Tls13;
                }
            }
        }

        return offered;
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
