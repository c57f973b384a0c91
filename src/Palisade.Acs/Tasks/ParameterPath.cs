namespace Palisade.Acs.Tasks;

/// <summary>
/// Syntax of TR-069 parameter names (TR-106 2.1): dot-separated names of letters, digits, '_'
/// and '-', instance numbers, a trailing '.' for partial paths. Checked before anything reaches a
/// CPE or the store, so API input cannot smuggle whitespace, wildcards or markup into a session.
/// </summary>
public static class ParameterPath
{
    /// <summary>The longest name TR-069 allows (A.3.2.1: string(256)).</summary>
    public const int MaxLength = 256;

    /// <summary>True for a full parameter name or a partial path ending with '.'. The empty string (the whole tree) is valid only when <paramref name="allowEmpty"/>.</summary>
    public static bool IsValid(string? path, bool allowEmpty = false)
    {
        if (string.IsNullOrEmpty(path))
        {
            return allowEmpty && path is not null;
        }

        if (path.Length > MaxLength || path[0] == '.' || path.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in path)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a partial path (ends with '.').</summary>
    public static bool IsPartial(string path) => path.EndsWith('.');

    /// <summary>True for an object instance path like <c>Device.IP.Interface.3.</c>.</summary>
    public static bool IsInstance(string path)
    {
        if (!IsValid(path) || !IsPartial(path))
        {
            return false;
        }

        var segments = path.TrimEnd('.').Split('.');
        return segments.Length >= 2 && segments[^1].Length > 0 && segments[^1].All(char.IsAsciiDigit);
    }
}
