using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Palisade.Security.Signing;

/// <summary>
/// Palisade's detached file signature (format <c>palisade-signature-1</c>): a small JSON document delivered next
/// to a download (at the file's URL plus <c>.sig</c>) that binds the file's SHA-256, its size and, for firmware,
/// the software version it installs, signed with ECDSA P-256 / SHA-256 (IEEE P1363 encoding, base64). The signed
/// bytes are the canonical text <c>palisade-signature-1\nsha256=HEX\nsize=N\nsoftwareVersion=V\n</c>, so nothing
/// in the JSON is trusted unless it is covered by the signature.
/// </summary>
public sealed record FileSignature(string KeyId, string Sha256, long Size, string SoftwareVersion, string Signature)
{
    /// <summary>The format name.</summary>
    public const string Format = "palisade-signature-1";

    /// <summary>The largest signature document accepted.</summary>
    public const int MaxDocumentBytes = 4096;

    /// <summary>The key id of a public key: the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo.</summary>
    public static string KeyIdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    /// <summary>Signs <paramref name="file"/> with <paramref name="key"/>.</summary>
    public static FileSignature Sign(ReadOnlySpan<byte> file, string softwareVersion, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(softwareVersion);
        var sha = Convert.ToHexStringLower(SHA256.HashData(file));
        var signature = key.SignData(Canonical(sha, file.Length, softwareVersion), HashAlgorithmName.SHA256);
        return new FileSignature(KeyIdOf(key), sha, file.Length, softwareVersion, Convert.ToBase64String(signature));
    }

    /// <summary>
    /// Signs a file known by its SHA-256 (lower-case hex) and size, hashed while it streamed by: the same signature
    /// <see cref="Sign"/> makes over the whole file.
    /// </summary>
    public static FileSignature SignDigest(string sha256, long size, string softwareVersion, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(softwareVersion);
        ArgumentNullException.ThrowIfNull(sha256);
        var sha = sha256.ToLowerInvariant();
        var signature = key.SignData(Canonical(sha, size, softwareVersion), HashAlgorithmName.SHA256);
        return new FileSignature(KeyIdOf(key), sha, size, softwareVersion, Convert.ToBase64String(signature));
    }

    /// <summary>
    /// Verifies that a file of SHA-256 <paramref name="sha256"/> and <paramref name="size"/> bytes is what a trusted key
    /// signed (the digest computed by the caller while it streamed the file). Null when it is, or the reason.
    /// </summary>
    public string? VerifyDigest(string sha256, long size, IReadOnlyDictionary<string, ECDsa> trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        ArgumentNullException.ThrowIfNull(sha256);
        if (!trustedKeys.TryGetValue(KeyId, out var key))
        {
            return $"signed by key {KeyId}, which is not trusted here";
        }

        if (size != Size)
        {
            return $"size {size} differs from the signed size {Size}";
        }

        var sha = sha256.ToLowerInvariant();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sha), Encoding.ASCII.GetBytes(Sha256.ToLowerInvariant())))
        {
            return "content differs from the signed SHA-256";
        }

        Span<byte> raw = stackalloc byte[64];
        if (!Convert.TryFromBase64String(Signature, raw, out var written) || written != 64)
        {
            return "the signature is not a P-256 signature";
        }

        return key.VerifyData(Canonical(sha, Size, SoftwareVersion), raw, HashAlgorithmName.SHA256)
            ? null
            : "the signature does not verify";
    }

    /// <summary>Parses a signature document, bounded; null when it is not one.</summary>
    public static FileSignature? Parse(ReadOnlySpan<byte> document)
    {
        if (document.Length > MaxDocumentBytes)
        {
            return null;
        }

        try
        {
            var dto = JsonSerializer.Deserialize(document, FileSignatureJson.Default.Dto);
            return dto is { Format: Format, Alg: "ES256", KeyId: not null, Sha256: not null, Signature: not null } && dto.Size >= 0
                ? new FileSignature(dto.KeyId, dto.Sha256, dto.Size, dto.SoftwareVersion ?? string.Empty, dto.Signature)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The JSON document.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(
        new Dto { Format = Format, Alg = "ES256", KeyId = KeyId, Sha256 = Sha256, Size = Size, SoftwareVersion = SoftwareVersion, Signature = Signature },
        FileSignatureJson.Default.Dto);

    /// <summary>
    /// Verifies that <paramref name="file"/> is exactly what a trusted key signed. Returns null when it is, or
    /// the reason it is not.
    /// </summary>
    public string? Verify(ReadOnlySpan<byte> file, IReadOnlyDictionary<string, ECDsa> trustedKeys)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        if (!trustedKeys.TryGetValue(KeyId, out var key))
        {
            return $"signed by key {KeyId}, which this device does not trust";
        }

        if (file.Length != Size)
        {
            return $"size {file.Length} differs from the signed size {Size}";
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(file));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(sha), Encoding.ASCII.GetBytes(Sha256.ToLowerInvariant())))
        {
            return "content differs from the signed SHA-256";
        }

        Span<byte> raw = stackalloc byte[64];
        if (!Convert.TryFromBase64String(Signature, raw, out var written) || written != 64)
        {
            return "the signature is not a P-256 signature";
        }

        return key.VerifyData(Canonical(sha, Size, SoftwareVersion), raw, HashAlgorithmName.SHA256)
            ? null
            : "the signature does not verify";
    }

    private static byte[] Canonical(string sha, long size, string version) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Format}\nsha256={sha}\nsize={size}\nsoftwareVersion={version}\n"));

    internal sealed class Dto
    {
        public string? Format { get; set; }

        public string? Alg { get; set; }

        public string? KeyId { get; set; }

        public string? Sha256 { get; set; }

        public long Size { get; set; }

        public string? SoftwareVersion { get; set; }

        public string? Signature { get; set; }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FileSignature.Dto))]
internal sealed partial class FileSignatureJson : JsonSerializerContext
{
}
