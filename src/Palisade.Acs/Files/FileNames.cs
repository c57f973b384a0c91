namespace Palisade.Acs.Files;

/// <summary>
/// What a stored file may be called. A name is a key, never a path: it is looked up in the store and never joined to
/// a folder, and these rules keep it printable and unambiguous in URLs and logs as well.
/// </summary>
public static class FileNames
{
    /// <summary>The longest name.</summary>
    public const int MaxLength = 200;

    /// <summary>True for 1–200 characters of letters, digits, '.', '_', '-', '+', '@' and '~', not starting with '.'.</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name[0] == '.')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or '@' or '~'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a lower-case hex SHA-256.</summary>
    public static bool IsSha256(string? value) =>
        value is { Length: 64 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
