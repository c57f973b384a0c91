using System.Security.Cryptography;

namespace Palisade.Security.Digest;

/// <summary>The hash functions HTTP Digest may use here (RFC 7616 §3.2). MD5 exists because most deployed CPEs know nothing else.</summary>
public enum DigestAlgorithm
{
    /// <summary>RFC 2617's MD5: still what most CPE firmware implements.</summary>
    Md5,

    /// <summary>RFC 7616's SHA-256: preferred, offered first.</summary>
    Sha256,
}

/// <summary>Names and hashing for <see cref="DigestAlgorithm"/>.</summary>
public static class DigestAlgorithms
{
    /// <summary>The token used in the <c>algorithm</c> parameter.</summary>
    public static string Token(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Md5 => "MD5",
        DigestAlgorithm.Sha256 => "SHA-256",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>Parses the <c>algorithm</c> parameter; an absent parameter means MD5 (RFC 7616 §3.3).</summary>
    public static bool TryParse(string? token, out DigestAlgorithm algorithm)
    {
        algorithm = DigestAlgorithm.Md5;
        if (token is null || token.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (token.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Sha256;
            return true;
        }

        return false;
    }

    /// <summary>Lower-case hex of the hash of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static string HashHex(DigestAlgorithm algorithm, string text) =>
        Convert.ToHexStringLower(Hash(algorithm, System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>The hash of <paramref name="data"/>.</summary>
#pragma warning disable CA5351 // MD5 is what RFC 2617 Digest and deployed CPEs use; it is never used here as a password store on its own.
    public static byte[] Hash(DigestAlgorithm algorithm, ReadOnlySpan<byte> data) => algorithm switch
    {
        DigestAlgorithm.Md5 => MD5.HashData(data),
        DigestAlgorithm.Sha256 => SHA256.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };
#pragma warning restore CA5351
}
