using System.Buffers;
using System.Buffers.Text;

namespace Palisade.Security.Text;

/// <summary>
/// Reads the base64url text of a token this process minted (a Digest nonce, a file-server token) from hostile input.
/// A token has one spelling, the one minted: the URL-safe alphabet only, no padding, no whitespace, no unused bits
/// set in its last character, and exactly the expected number of bytes. Anything else is no token, and reading never
/// throws (the decoder's own "Try" form throws on characters outside the alphabet and on unused bits).
/// </summary>
public static class Base64UrlToken
{
    private static readonly SearchValues<char> Alphabet = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>The token's text for <paramref name="raw"/>.</summary>
    public static string Encode(ReadOnlySpan<byte> raw) => Base64Url.EncodeToString(raw);

    /// <summary>True, with <paramref name="into"/> filled, when <paramref name="text"/> is the one spelling of exactly <c>into.Length</c> bytes.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> into)
    {
        if (text.Length != Base64Url.GetEncodedLength(into.Length) || text.ContainsAnyExcept(Alphabet))
        {
            return false;
        }

        if (Base64Url.DecodeFromChars(text, into, out var read, out var written) != OperationStatus.Done || read != text.Length || written != into.Length)
        {
            return false;
        }

        // Unused bits in the last character decode to the same bytes: only the minted spelling re-encodes to itself.
        Span<char> again = stackalloc char[text.Length];
        return Base64Url.EncodeToChars(into, again) == text.Length && again.SequenceEqual(text);
    }
}
