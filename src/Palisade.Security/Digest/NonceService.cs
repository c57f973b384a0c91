using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Palisade.Security.Text;

namespace Palisade.Security.Digest;

/// <summary>The outcome of checking a nonce.</summary>
public enum NonceCheck
{
    /// <summary>Issued by this server, for this device, and not expired.</summary>
    Valid,

    /// <summary>Ours and for this device, but expired: the client should retry with a fresh one (<c>stale=true</c>).</summary>
    Stale,

    /// <summary>Not ours, altered, or issued to another device.</summary>
    Invalid,
}

/// <summary>
/// Stateless Digest nonces: <c>base64url(issued-at | random | HMAC-SHA256(key, issued-at | random | binding))</c>.
/// The binding is the device identity (or any string the caller chooses), so a nonce issued to one device is
/// useless to another; the time makes it expire. Nothing is stored per nonce until it is used
/// (see <see cref="ReplayGuard"/>), so an unauthenticated flood of challenges costs no memory.
/// </summary>
public sealed class NonceService
{
    private const int TimeBytes = 8;
    private const int RandomBytes = 12;
    private const int MacBytes = 16;
    private const int TotalBytes = TimeBytes + RandomBytes + MacBytes;

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>Creates the service with a fresh random key (nonces do not survive a restart, by design).</summary>
    public NonceService(TimeProvider time, TimeSpan lifetime)
        : this(RandomNumberGenerator.GetBytes(32), time, lifetime)
    {
    }

    /// <summary>Creates the service with a given key (tests; several servers sharing nonces).</summary>
    public NonceService(byte[] key, TimeProvider time, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 16)
        {
            throw new ArgumentException("A nonce key needs at least 128 bits.", nameof(key));
        }

        _key = (byte[])key.Clone();
        _time = time ?? throw new ArgumentNullException(nameof(time));
        Lifetime = lifetime > TimeSpan.Zero ? lifetime : throw new ArgumentOutOfRangeException(nameof(lifetime));
    }

    /// <summary>How long a nonce is accepted after it was issued.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Issues a nonce bound to <paramref name="binding"/>.</summary>
    public string Issue(string binding)
    {
        Span<byte> raw = stackalloc byte[TotalBytes];
        BinaryPrimitives.WriteInt64BigEndian(raw, _time.GetUtcNow().ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(raw.Slice(TimeBytes, RandomBytes));
        Mac(raw[..(TimeBytes + RandomBytes)], binding, raw[(TimeBytes + RandomBytes)..]);
        return Base64UrlToken.Encode(raw);
    }

    /// <summary>Checks that <paramref name="nonce"/> was issued here for <paramref name="binding"/> and is not expired.</summary>
    public NonceCheck Check(string? nonce, string binding)
    {
        if (nonce is null || nonce.Length != 48)
        {
            return NonceCheck.Invalid;
        }

        Span<byte> raw = stackalloc byte[TotalBytes];
        if (!Base64UrlToken.TryDecode(nonce, raw))
        {
            return NonceCheck.Invalid;
        }

        Span<byte> expected = stackalloc byte[MacBytes];
        Mac(raw[..(TimeBytes + RandomBytes)], binding, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, raw[(TimeBytes + RandomBytes)..]))
        {
            return NonceCheck.Invalid;
        }

        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(raw));
        var age = _time.GetUtcNow() - issued;
        return age < TimeSpan.FromSeconds(-5) || age > Lifetime ? NonceCheck.Stale : NonceCheck.Valid;
    }

    /// <summary>When the nonce (already checked) stops being valid.</summary>
    public DateTimeOffset ExpiresAt(string nonce)
    {
        Span<byte> raw = stackalloc byte[TotalBytes];
        return Base64UrlToken.TryDecode(nonce, raw)
            ? DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(raw)) + Lifetime
            : DateTimeOffset.MinValue;
    }

    // Every authenticated session checks a nonce: the MAC input is built on the stack (or in a pooled buffer for a
    // long binding) rather than in two fresh arrays.
    private void Mac(ReadOnlySpan<byte> head, string binding, Span<byte> destination)
    {
        const int OnStack = 512;
        var capacity = head.Length + Encoding.UTF8.GetMaxByteCount(binding.Length);
        byte[]? rented = null;
        var input = capacity <= OnStack ? stackalloc byte[OnStack] : (rented = ArrayPool<byte>.Shared.Rent(capacity));
        try
        {
            head.CopyTo(input);
            var length = head.Length + Encoding.UTF8.GetBytes(binding, input[head.Length..]);
            Span<byte> full = stackalloc byte[32];
            HMACSHA256.HashData(_key, input[..length], full);
            full[..MacBytes].CopyTo(destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
