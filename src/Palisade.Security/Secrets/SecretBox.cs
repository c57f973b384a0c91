using System.Security.Cryptography;
using System.Text;

namespace Palisade.Security.Secrets;

/// <summary>
/// Seals short secrets that the ACS must be able to read back (a device's connection-request password, which it
/// needs in the clear to answer the device's Digest challenge) with AES-256-GCM under a key kept in a file of its
/// own, outside the database: a copy of the database alone (a backup, an export, a file read through some other
/// hole) does not give the secrets away. Each value is bound to a context (the column and the device), so a
/// sealed value moved to another row does not open.
/// </summary>
public sealed class SecretBox
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int KeySize = 32;

    // One cipher per thread for the last box used on it: creating one costs about three times the encryption of a
    // short value, and the store seals and opens one on every session. AesGcm is not documented thread-safe.
    [ThreadStatic]
    private static AesGcm? t_aes;

    [ThreadStatic]
    private static SecretBox? t_owner;

    private readonly byte[] _key;

    private SecretBox(byte[] key) => _key = key;

    /// <summary>
    /// A 256-bit key for <paramref name="purpose"/>, derived from this box's key (HKDF-SHA256): the same on every process
    /// that holds the same key file, and telling nothing about the box's key or the keys of other purposes.
    /// </summary>
    public byte[] DeriveKey(string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, KeySize, salt: null, info: Encoding.UTF8.GetBytes("palisade derived key: " + purpose));
    }

    /// <summary>A box with a new random key (the caller stores it with <see cref="KeyText"/>).</summary>
    public static SecretBox Create() => new(RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>Reads a key written by <see cref="KeyText"/>; throws <see cref="InvalidDataException"/> for anything else.</summary>
    public static SecretBox FromKeyText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidDataException("The key file does not hold a base64 key.");
        }

        return key.Length == KeySize ? new SecretBox(key) : throw new InvalidDataException($"The key file holds {key.Length} bytes, not {KeySize}.");
    }

    /// <summary>The key as the text of its file (base64, one line).</summary>
    public string KeyText => Convert.ToBase64String(_key) + "\n";

    /// <summary>A length that only a sealed value can have for a plaintext of <paramref name="plaintextBytes"/> bytes.</summary>
    public static int SealedLength(int plaintextBytes) => 1 + NonceSize + TagSize + plaintextBytes;

    /// <summary>Seals <paramref name="plaintext"/> for <paramref name="context"/>: version, nonce, tag, ciphertext.</summary>
    public byte[] Seal(string plaintext, string context)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(context);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedValue = new byte[SealedLength(plain.Length)];
        sealedValue[0] = Version;
        var nonce = sealedValue.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Cipher().Encrypt(nonce, plain, sealedValue.AsSpan(1 + NonceSize + TagSize), sealedValue.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(context));
        return sealedValue;
    }

    /// <summary>Opens a value sealed for <paramref name="context"/>; throws <see cref="CryptographicException"/> when it was sealed with another key or context, or altered.</summary>
    public string Open(ReadOnlySpan<byte> sealedValue, string context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (sealedValue.Length < SealedLength(0) || sealedValue[0] != Version)
        {
            throw new CryptographicException("Not a sealed value of a version this Palisade reads.");
        }

        var plain = new byte[sealedValue.Length - SealedLength(0)];
        Cipher().Decrypt(sealedValue.Slice(1, NonceSize), sealedValue[SealedLength(0)..], sealedValue.Slice(1 + NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(plain);
    }

    private AesGcm Cipher()
    {
        if (!ReferenceEquals(t_owner, this) || t_aes is null)
        {
            t_aes?.Dispose();
            t_aes = new AesGcm(_key, TagSize);
            t_owner = this;
        }

        return t_aes;
    }
}
