using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Palisade.Security.Digest;

/// <summary>HTTP Basic credentials (RFC 7617). Accepted by Palisade only over TLS and only where an operator allows it.</summary>
public static class BasicCredentials
{
    /// <summary>Parses <c>Basic base64(user:password)</c>, bounded like every other header.</summary>
    public static bool TryParse(string? header, [NotNullWhen(true)] out string? username, [NotNullWhen(true)] out string? password)
    {
        username = password = null;
        if (header is null || header.Length > AuthParameters.MaxLength || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var encoded = header.AsSpan(6).Trim();
        var buffer = new byte[encoded.Length];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        username = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }

    /// <summary>The header value for a user name and password.</summary>
    public static string Header(string username, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
}
