using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Palisade.Security.Digest;

/// <summary>
/// A bounded parser for the <c>Scheme k=v, k="v"</c> syntax of <c>Authorization</c> and <c>WWW-Authenticate</c>
/// (RFC 7235 §2.1). The header comes from the network: it is capped in length and in parameter count, and a
/// duplicated parameter is an error rather than a silent override.
/// </summary>
public sealed class AuthParameters
{
    /// <summary>The longest header accepted.</summary>
    public const int MaxLength = 4096;

    /// <summary>The most parameters accepted.</summary>
    public const int MaxParameters = 24;

    private readonly Dictionary<string, string> _values;

    private AuthParameters(string scheme, Dictionary<string, string> values)
    {
        Scheme = scheme;
        _values = values;
    }

    /// <summary>The scheme, as sent (compare case-insensitively).</summary>
    public string Scheme { get; }

    /// <summary>A parameter's value, unquoted, or null.</summary>
    public string? this[string name] => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>Parses one challenge or credentials header value.</summary>
    public static bool TryParse(string? header, [NotNullWhen(true)] out AuthParameters? result)
    {
        result = null;
        if (string.IsNullOrEmpty(header) || header.Length > MaxLength)
        {
            return false;
        }

        var span = header.AsSpan().Trim();
        var space = span.IndexOf(' ');
        var schemeSpan = space < 0 ? span : span[..space];
        if (schemeSpan.IsEmpty || schemeSpan.ContainsAnyExcept(TokenCharacters))
        {
            return false;
        }

        var scheme = schemeSpan.ToString();

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? span.Length : space;
        while (i < span.Length)
        {
            while (i < span.Length && (span[i] == ' ' || span[i] == ',' || span[i] == '\t'))
            {
                i++;
            }

            if (i >= span.Length)
            {
                break;
            }

            var nameStart = i;
            while (i < span.Length && IsTokenChar(span[i]))
            {
                i++;
            }

            var name = span[nameStart..i].ToString();
            while (i < span.Length && span[i] == ' ')
            {
                i++;
            }

            if (name.Length == 0 || i >= span.Length || span[i] != '=')
            {
                return false;
            }

            i++;
            while (i < span.Length && span[i] == ' ')
            {
                i++;
            }

            string value;
            if (i < span.Length && span[i] == '"')
            {
                i++;
                if (!TryReadQuoted(span, ref i, out value))
                {
                    return false;
                }
            }
            else
            {
                var valueStart = i;
                while (i < span.Length && (IsTokenChar(span[i]) || span[i] is '/' or '=' or ':' or '@'))
                {
                    i++;
                }

                value = span[valueStart..i].ToString();
            }

            if (values.Count >= MaxParameters || !values.TryAdd(name, value))
            {
                return false;
            }
        }

        result = new AuthParameters(scheme, values);
        return true;
    }

    // A quoted-string from just after its opening quote; i ends after the closing quote. Values without a
    // backslash (all that real clients send) are sliced out whole; only escapes are unfolded character by character.
    private static bool TryReadQuoted(ReadOnlySpan<char> span, ref int i, out string value)
    {
        var rest = span[i..];
        var end = rest.IndexOfAny('"', '\\');
        if (end >= 0 && rest[end] == '"')
        {
            value = rest[..end].ToString();
            i += end + 1;
            return true;
        }

        var builder = new System.Text.StringBuilder(rest.Length);
        while (i < span.Length)
        {
            var c = span[i++];
            if (c == '\\' && i < span.Length)
            {
                builder.Append(span[i++]);
            }
            else if (c == '"')
            {
                value = builder.ToString();
                return true;
            }
            else
            {
                builder.Append(c);
            }
        }

        value = string.Empty;
        return false;
    }

    /// <summary>Quotes a value for a header (RFC 7230 quoted-string).</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    // RFC 7230 tchar.
    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~");

    private static bool IsTokenChar(char c) => TokenCharacters.Contains(c);
}
