using System.Diagnostics.CodeAnalysis;

namespace Palisade.Security.Secrets;

/// <summary>
/// The credential that admits a device the ACS has never seen, once: the ACS then sets a unique password on it in
/// the same session. Kept in <c>DATA/bootstrap-credential</c> as <c>user:password</c>, readable by the owner only.
/// </summary>
public sealed record BootstrapCredential(string Username, string Password)
{
    /// <summary>The file name inside the data folder.</summary>
    public const string FileName = "bootstrap-credential";

    /// <summary>Parses <c>user:password</c>.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out BootstrapCredential? credential)
    {
        credential = null;
        text = text?.Trim();
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1 || text.Length > 512 || text.Any(char.IsControl))
        {
            return false;
        }

        credential = new BootstrapCredential(text[..colon], text[(colon + 1)..]);
        return true;
    }

    /// <summary>
    /// Reads the credential from <paramref name="path"/>, or generates and writes one when there is no file.
    /// <paramref name="created"/> says which, so the caller can print a new credential exactly once.
    /// </summary>
    public static BootstrapCredential LoadOrCreate(string path, out bool created)
    {
        if (File.Exists(path))
        {
            created = false;
            return TryParse(File.ReadAllText(path), out var existing)
                ? existing
                : throw new InvalidDataException($"{path} must hold one line 'user:password'. Fix or delete it (a new one is generated on start).");
        }

        var credential = new BootstrapCredential("bootstrap-" + PasswordGenerator.Generate(16)[..8].ToLowerInvariant(), PasswordGenerator.Generate());
        SecretFile.Write(path, credential.ToFileText());
        created = true;
        return credential;
    }

    /// <summary>The file's contents.</summary>
    public string ToFileText() => $"{Username}:{Password}\n";

    /// <inheritdoc />
    public override string ToString() => $"BootstrapCredential {{ Username = {Username} }}";
}
