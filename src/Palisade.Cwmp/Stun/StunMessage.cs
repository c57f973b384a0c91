using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Palisade.Cwmp.Stun;

/// <summary>
/// A STUN message (RFC 5389) as TR-069 Annex G uses it: Binding requests and responses with USERNAME,
/// MESSAGE-INTEGRITY (HMAC-SHA1, short-term credentials), MAPPED-ADDRESS / XOR-MAPPED-ADDRESS and the TR-111
/// attributes CONNECTION-REQUEST-BINDING and BINDING-CHANGE. Parsing is bounded: at most 548 bytes, 16 attributes,
/// each inside the message; anything else is not a message.
/// </summary>
public sealed class StunMessage
{
    public const ushort BindingRequest = 0x0001;
    public const ushort BindingResponse = 0x0101;
    public const ushort BindingErrorResponse = 0x0111;
    public const ushort MappedAddress = 0x0001;
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort ConnectionRequestBinding = 0xC001;
    public const ushort BindingChange = 0xC002;
    public const uint MagicCookie = 0x2112A442;
    public const int MaxLength = 548;

    /// <summary>The value of CONNECTION-REQUEST-BINDING (TR-069 G.2.1).</summary>
    public static readonly byte[] ConnectionRequestBindingValue = "dslforum.org/TR-111 "u8.ToArray();

    private const int MaxAttributes = 16;

    public StunMessage(ushort type, byte[] transactionId)
    {
        ArgumentNullException.ThrowIfNull(transactionId);
        if (transactionId.Length != 12)
        {
            throw new ArgumentException("A transaction id is 12 bytes.", nameof(transactionId));
        }

        Type = type;
        TransactionId = transactionId;
    }

    public ushort Type { get; }

    public byte[] TransactionId { get; }

    public List<(ushort Type, byte[] Value)> Attributes { get; } = [];

    /// <summary>The attribute's value, or null.</summary>
    public byte[]? Get(ushort type) => Attributes.FirstOrDefault(a => a.Type == type).Value;

    /// <summary>True when the message carries the attribute.</summary>
    public bool Has(ushort type) => Attributes.Any(a => a.Type == type);

    /// <summary>USERNAME as text, or null.</summary>
    public string? UserName => Get(Username) is { } u ? Encoding.UTF8.GetString(u) : null;

    /// <summary>A new binding request with a random transaction id.</summary>
    public static StunMessage NewBindingRequest() => new(BindingRequest, RandomNumberGenerator.GetBytes(12));

    /// <summary>Adds an attribute.</summary>
    public StunMessage Add(ushort type, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Attributes.Add((type, value));
        return this;
    }

    /// <summary>Adds XOR-MAPPED-ADDRESS and MAPPED-ADDRESS (for RFC 3489 clients) for <paramref name="endpoint"/>.</summary>
    public StunMessage AddMapped(IPEndPoint endpoint) => AddMapped(endpoint, legacy: true);

    /// <summary>XOR-MAPPED-ADDRESS, and with <paramref name="legacy"/> MAPPED-ADDRESS too (RFC 3489 clients); IPv4.</summary>
    public StunMessage AddMapped(IPEndPoint endpoint, bool legacy)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var address = endpoint.Address.MapToIPv4().GetAddressBytes();
        var plain = new byte[8];
        plain[1] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(2), (ushort)endpoint.Port);
        address.CopyTo(plain, 4);
        var xored = (byte[])plain.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(xored.AsSpan(2), (ushort)(endpoint.Port ^ (MagicCookie >> 16)));
        BinaryPrimitives.WriteUInt32BigEndian(xored.AsSpan(4), BinaryPrimitives.ReadUInt32BigEndian(address) ^ MagicCookie);
        Add(XorMappedAddress, xored);
        return legacy ? Add(MappedAddress, plain) : this;
    }

    /// <summary>The mapped address of a response: XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS; IPv4 only.</summary>
    public IPEndPoint? Mapped()
    {
        if (Get(XorMappedAddress) is { Length: 8 } x && x[1] == 1)
        {
            var port = BinaryPrimitives.ReadUInt16BigEndian(x.AsSpan(2)) ^ (int)(MagicCookie >> 16);
            var address = BinaryPrimitives.ReadUInt32BigEndian(x.AsSpan(4)) ^ MagicCookie;
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, address);
            return new IPEndPoint(new IPAddress(bytes), port);
        }

        return Get(MappedAddress) is { Length: 8 } m && m[1] == 1
            ? new IPEndPoint(new IPAddress(m.AsSpan(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(2)))
            : null;
    }

    /// <summary>The wire form; with <paramref name="integrityKey"/>, MESSAGE-INTEGRITY last (RFC 5389 §15.4).</summary>
    public byte[] ToBytes(string? integrityKey = null)
    {
        var body = new List<byte>();
        foreach (var (type, value) in Attributes)
        {
            Append(body, type, value);
        }

        var length = body.Count + (integrityKey is null ? 0 : 24);
        var message = new byte[20 + length];
        BinaryPrimitives.WriteUInt16BigEndian(message, Type);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), MagicCookie);
        TransactionId.CopyTo(message, 8);
        body.CopyTo(message, 20);
        if (integrityKey is not null)
        {
            var at = 20 + body.Count;
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at), MessageIntegrity);
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(at + 2), 20);
#pragma warning disable CA5350 // HMAC-SHA1 is what STUN's MESSAGE-INTEGRITY is (RFC 5389 §15.4); HMAC is not broken.
            HMACSHA1.HashData(Encoding.UTF8.GetBytes(integrityKey), message.AsSpan(0, at)).CopyTo(message, at + 4);
#pragma warning restore CA5350
        }

        return message;
    }

    /// <summary>Reads a message; false for anything that is not a well-formed, bounded STUN message.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out StunMessage? message, out int integrityOffset)
    {
        message = null;
        integrityOffset = -1;
        if (data.Length is < 20 or > MaxLength || (data[0] & 0xC0) != 0 || BinaryPrimitives.ReadUInt32BigEndian(data[4..]) != MagicCookie)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
        if (length % 4 != 0 || 20 + length != data.Length)
        {
            return false;
        }

        var parsed = new StunMessage(BinaryPrimitives.ReadUInt16BigEndian(data), data.Slice(8, 12).ToArray());
        var at = 20;
        while (at < data.Length)
        {
            if (at + 4 > data.Length || parsed.Attributes.Count == MaxAttributes)
            {
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
            var size = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
            var padded = (size + 3) & ~3;
            if (at + 4 + padded > data.Length)
            {
                return false;
            }

            if (type == MessageIntegrity)
            {
                integrityOffset = at;
            }

            parsed.Attributes.Add((type, data.Slice(at + 4, size).ToArray()));
            at += 4 + padded;
        }

        message = parsed;
        return true;
    }

    /// <summary>Checks MESSAGE-INTEGRITY at <paramref name="offset"/> with <paramref name="key"/> (constant time).</summary>
    public static bool VerifyIntegrity(ReadOnlySpan<byte> data, int offset, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (offset < 20 || offset + 24 > data.Length)
        {
            return false;
        }

        // The length the HMAC covers ends with MESSAGE-INTEGRITY (attributes after it are ignored).
        var copy = data[..offset].ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(2), (ushort)(offset + 24 - 20));
#pragma warning disable CA5350 // as above
        var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes(key), copy);
#pragma warning restore CA5350
        return CryptographicOperations.FixedTimeEquals(expected, data.Slice(offset + 4, 20));
    }

    private static void Append(List<byte> body, ushort type, byte[] value)
    {
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(header, type);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)value.Length);
        body.AddRange(header.ToArray());
        body.AddRange(value);
        for (var i = value.Length; i % 4 != 0; i++)
        {
            body.Add(0);
        }
    }
}
