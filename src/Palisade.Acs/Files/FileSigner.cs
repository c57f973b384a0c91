using System.Security.Cryptography;
using System.Text;
using Palisade.Security.Signing;

namespace Palisade.Acs.Files;

/// <summary>Signs stored files with the server's key (<c>palisade-signature-1</c>) and verifies operators' signatures.</summary>
public sealed class FileSigner
{
    private readonly ECDsa _key;
    private readonly Dictionary<string, ECDsa> _operatorKeys;

    /// <summary>Signs with <paramref name="key"/>; operator signatures are checked against <paramref name="operatorKeys"/> (none: checked for form and content only).</summary>
    public FileSigner(ECDsa key, IEnumerable<ECDsa>? operatorKeys = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
        _operatorKeys = (operatorKeys ?? []).ToDictionary(FileSignature.KeyIdOf, k => k, StringComparer.Ordinal);
        KeyId = FileSignature.KeyIdOf(key);
    }

    /// <summary>The server key's id (what its signatures name).</summary>
    public string KeyId { get; }

    /// <summary>True when operator signatures are verified against configured keys.</summary>
    public bool VerifiesOperatorKeys => _operatorKeys.Count > 0;

    /// <summary>The server key's public half (PEM), the file CPEs are given to trust.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The signature document (JSON text) for content of <paramref name="sha256"/> and <paramref name="size"/>.</summary>
    public string Sign(string sha256, long size, string version) =>
        Encoding.UTF8.GetString(FileSignature.SignDigest(sha256, size, version, _key).ToJson());

    /// <summary>
    /// Checks an operator's signature document against a stored file: it must be a <c>palisade-signature-1</c> document
    /// over this content, size and version, and verify under a configured operator key when there are any. Null when it
    /// does, or the reason.
    /// </summary>
    public string? CheckOperatorSignature(ReadOnlySpan<byte> document, StoredFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (FileSignature.Parse(document) is not { } signature)
        {
            return "it is not a palisade-signature-1 document";
        }

        if (signature.SoftwareVersion != file.Version)
        {
            return $"it signs version '{signature.SoftwareVersion}', the file is version '{file.Version}'";
        }

        if (_operatorKeys.Count == 0)
        {
            return signature.Sha256.Equals(file.Sha256, StringComparison.OrdinalIgnoreCase) && signature.Size == file.Size
                ? null
                : "it signs other content (SHA-256 or size differ)";
        }

        return signature.VerifyDigest(file.Sha256, file.Size, _operatorKeys);
    }
}
