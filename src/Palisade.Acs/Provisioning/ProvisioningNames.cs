namespace Palisade.Acs.Provisioning;

/// <summary>
/// Names of presets, provisions, virtual parameters and channels: 1 to 128 characters of ASCII letters, digits,
/// <c>_</c>, <c>-</c> and <c>.</c>, not starting with <c>.</c> or <c>-</c>. Safe in URLs, paths, logs and scripts.
/// </summary>
public static class ProvisioningNames
{
    /// <summary>The longest name.</summary>
    public const int MaxLength = 128;

    /// <summary>True when <paramref name="name"/> follows the rules.</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name[0] is '.' or '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Why a name is refused, for an error message.</summary>
    public const string Rule = "1 to 128 ASCII letters, digits, '_', '-' or '.', not starting with '.' or '-'";
}
