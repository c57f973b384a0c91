using System.Security.Cryptography;
using Palisade.Security.Text;

namespace Palisade.Security.Tests;

/// <summary>Tokens read from hostile text: one spelling per token, and no exception for any input.</summary>
public sealed class Base64UrlTokenTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    [Theory]
    [InlineData(29)]
    [InlineData(36)]
    [InlineData(1)]
    public void A_token_round_trips_and_every_other_spelling_of_its_length_is_refused_or_other_bytes(int bytes)
    {
        var raw = RandomNumberGenerator.GetBytes(bytes);
        var text = Base64UrlToken.Encode(raw);
        var into = new byte[bytes];
        Assert.True(Base64UrlToken.TryDecode(text, into));
        Assert.Equal(raw, into);

        // Every one-character change either is refused or decodes to different bytes: no second spelling of one token.
        for (var i = 0; i < text.Length; i++)
        {
            foreach (var c in Alphabet.Where(c => c != text[i]).Append('+').Append('/').Append('=').Append(' ').Append('!'))
            {
                var changed = text[..i] + c + text[(i + 1)..];
                Assert.False(Base64UrlToken.TryDecode(changed, into) && into.AsSpan().SequenceEqual(raw), changed);
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAA")]
    public void Text_of_the_wrong_length_or_with_unused_bits_set_is_no_29_byte_token(string text) =>
        Assert.False(Base64UrlToken.TryDecode(text, new byte[29]));
}
