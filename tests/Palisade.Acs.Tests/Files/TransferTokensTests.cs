using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Files;

namespace Palisade.Acs.Tests.Files;

/// <summary>
/// The file server's tokens arrive in URLs from the network: any text is either one minted token or nothing, and
/// reading it never throws (an exception there was an HTTP 500 for a one-character change).
/// </summary>
public sealed class TransferTokensTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private readonly TransferTokens _tokens = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), TimeSpan.FromHours(1), new FakeTimeProvider(DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_minted_token_parses_and_verifies_for_its_task_device_and_file_only()
    {
        var text = _tokens.Mint(upload: false, plaintext: false, 42, "00D09E-HGW-SN1", "fw.bin", "ab");
        var token = Assert.IsType<TransferToken>(TransferTokens.Parse(text));
        Assert.Equal(42, token.TaskId);
        Assert.False(token.Upload);
        Assert.True(_tokens.Verify(token, "00D09E-HGW-SN1", "fw.bin", "ab"));
        Assert.False(_tokens.Verify(token, "00D09E-HGW-SN2", "fw.bin", "ab"));
        Assert.False(_tokens.Verify(token, "00D09E-HGW-SN1", "fw.bin", "ac"));
    }

    [Fact]
    public void Every_one_character_change_of_a_token_is_refused_and_none_throws()
    {
        var text = _tokens.Mint(upload: false, plaintext: false, 7, "00D09E-HGW-SN1", "fw.bin", "ab");
        var accepted = new List<string>();
        for (var i = 0; i < text.Length; i++)
        {
            foreach (var c in Alphabet.Where(c => c != text[i]))
            {
                var changed = text[..i] + c + text[(i + 1)..];
                if (TransferTokens.Parse(changed) is { } token && _tokens.Verify(token, "00D09E-HGW-SN1", "fw.bin", "ab"))
                {
                    accepted.Add(changed);
                }
            }
        }

        Assert.Empty(accepted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("====")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")]
    public void Text_that_is_not_a_canonical_token_is_no_token(string text) =>
        Assert.Null(TransferTokens.Parse(text));
}
