using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Palisade.Security.Text;

namespace Palisade.Acs.Files;

/// <summary>
/// The file server's short-lived tokens and the per-transfer password that goes with them. A token is 29 bytes
/// (flags, task id, expiry, a 16-byte HMAC-SHA256) in base64url, short enough for TR-069's 256-character URLs. The
/// MAC covers the task id, the expiry, the flags and what the task binds: the device, the file's name and its
/// SHA-256. The file server reads those from the task in the store, so a token is only good for that device, that
/// file and that content, until it expires or its task is no longer outstanding. The password (Download's
/// Username/Password, sent to the device over its CWMP session) is derived from the token with the same key: a URL
/// seen in a log or a proxy is of no use without it. Every node sharing the data folder's key accepts every node's tokens.
/// </summary>
public sealed class TransferTokens
{
    /// <summary>The user name of every transfer's credentials.</summary>
    public const string UserName = "palisade";

    private const int MacBytes = 16;
    private const int Length = 1 + 8 + 4 + MacBytes;
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>Tokens under <paramref name="key"/> (at least 32 bytes) that live <paramref name="lifetime"/>.</summary>
    public TransferTokens(byte[] key, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 32)
        {
            throw new ArgumentException("The token key needs at least 32 bytes.", nameof(key));
        }

        _key = (byte[])key.Clone();
        Lifetime = lifetime;
        _time = time;
    }

    /// <summary>How long a token works.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>A token for task <paramref name="taskId"/> of <paramref name="device"/> moving <paramref name="fileName"/> of <paramref name="sha256"/>.</summary>
    public string Mint(bool upload, bool plaintext, long taskId, string device, string fileName, string sha256)
    {
        var expires = (uint)Math.Min(uint.MaxValue, (_time.GetUtcNow() + Lifetime).ToUnixTimeSeconds());
        Span<byte> token = stackalloc byte[Length];
        token[0] = Flags(upload, plaintext);
        BinaryPrimitives.WriteInt64BigEndian(token[1..], taskId);
        BinaryPrimitives.WriteUInt32BigEndian(token[9..], expires);
        Mac(token[..13], device, fileName, sha256).CopyTo(token[13..]);
        return Base64UrlToken.Encode(token);
    }

    /// <summary>The token's face, or null when it is not one of these tokens at all.</summary>
    public static TransferToken? Parse(string? text)
    {
        if (text is null || text.Length != 39)
        {
            return null;
        }

        Span<byte> token = stackalloc byte[Length];
        if (!Base64UrlToken.TryDecode(text, token) || (token[0] & ~3) != 0)
        {
            return null;
        }

        return new TransferToken((token[0] & 1) != 0, (token[0] & 2) != 0, BinaryPrimitives.ReadInt64BigEndian(token[1..]),
            DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32BigEndian(token[9..])), text);
    }

    /// <summary>True when the token was made by this key for this device, file and content (constant time). Expiry is checked apart.</summary>
    public bool Verify(TransferToken token, string device, string fileName, string sha256)
    {
        ArgumentNullException.ThrowIfNull(token);
        Span<byte> raw = stackalloc byte[Length];
        if (!Base64UrlToken.TryDecode(token.Text, raw))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Mac(raw[..13], device, fileName, sha256), raw[13..]);
    }

    /// <summary>True when the token has expired.</summary>
    public bool Expired(TransferToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.ExpiresAt <= _time.GetUtcNow();
    }

    /// <summary>The password that goes with a token (22 base64url characters, 128 bits).</summary>
    public string PasswordFor(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var mac = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes("password\n" + token));
        return Base64UrlToken.Encode(mac.AsSpan(0, 16));
    }

    /// <summary>True when <paramref name="password"/> is the token's (constant time).</summary>
    public bool CheckPassword(string token, string? password) =>
        password is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(PasswordFor(token)), Encoding.UTF8.GetBytes(password));

    private static byte Flags(bool upload, bool plaintext) => (byte)((upload ? 1 : 0) | (plaintext ? 2 : 0));

    private byte[] Mac(ReadOnlySpan<byte> head, string device, string fileName, string sha256)
    {
        var bound = Encoding.UTF8.GetBytes("\n" + device + "\n" + fileName + "\n" + sha256);
        var input = new byte[head.Length + bound.Length];
        head.CopyTo(input);
        bound.CopyTo(input, head.Length);
        return HMACSHA256.HashData(_key, input).AsSpan(0, MacBytes).ToArray();
    }
}
