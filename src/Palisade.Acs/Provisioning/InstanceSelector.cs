namespace Palisade.Acs.Provisioning;

/// <summary>
/// Which instance of a multi-instance object a legacy <c>add_object</c>/<c>delete_object</c> configuration means: an
/// alias filter (<c>Key:value,Key2:value2</c>, each key a parameter name) or an instance number.
/// </summary>
internal static class InstanceSelector
{
    public static bool IsValid(string text)
    {
        if (text.Length is 0 or > 512 || text.Any(c => char.IsControl(c) || c is '"' or '\'' or '\\' or '[' or ']'))
        {
            return false;
        }

        if (IsNumber(text))
        {
            return true;
        }

        foreach (var pair in text.Split(','))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !pair[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsNumber(string text) => text.Length is > 0 and <= 10 && text.All(char.IsAsciiDigit);
}
