using System.Text;

namespace Palisade.Xmpp.Tests;

/// <summary>The stream parser alone, fed bytes a hostile XMPP server could send.</summary>
public sealed class StanzaReaderTests
{
    private const string Header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='palisade.test' version='1.0'>";

    [Fact]
    public async Task Reads_the_header_and_each_stanza_with_its_names_and_attributes()
    {
        using var reader = Reader(Header + "<iq type='get' id='7' from='acs@palisade.test/x'><connectionRequest xmlns='urn:broadband-forum-org:cwmp:xmppConnReq-1-0'><username>u&amp;1</username></connectionRequest></iq> </stream:stream>");
        var header = await reader.ReadHeaderAsync(CancellationToken.None);
        Assert.Equal("s1", (string?)header.Attribute("id"));
        var iq = await reader.ReadStanzaAsync(CancellationToken.None);
        Assert.Equal(XmppNames.Iq, iq!.Name);
        Assert.Equal("acs@palisade.test/x", (string?)iq.Attribute("from"));
        Assert.True(ConnectionRequestIq.TryRead(iq, out var user, out _));
        Assert.Equal("u&1", user);
        Assert.Null(await reader.ReadStanzaAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_stanza_larger_than_the_bound_ends_the_stream()
    {
        using var reader = Reader(Header + "<message><body>" + new string('a', 200_000) + "</body></message>", new XmppLimits { MaxStanzaBytes = 8192 });
        await reader.ReadHeaderAsync(CancellationToken.None);
        var e = await Assert.ThrowsAsync<XmppException>(() => reader.ReadStanzaAsync(CancellationToken.None));
        Assert.Contains("larger than 8192 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_small_stanzas_and_keep_alives_are_read_however_long_the_stream_lives()
    {
        var stream = new StringBuilder(Header);
        for (var i = 0; i < 500; i++)
        {
            stream.Append("<presence id='").Append(i).Append("'/>  \n");
        }

        using var reader = Reader(stream.Append("</stream:stream>").ToString(), new XmppLimits { MaxStanzaBytes = 1024 });
        await reader.ReadHeaderAsync(CancellationToken.None);
        var count = 0;
        while (await reader.ReadStanzaAsync(CancellationToken.None) is not null)
        {
            count++;
        }

        Assert.Equal(500, count);
    }

    [Fact]
    public async Task Elements_nested_deeper_than_the_bound_end_the_stream()
    {
        var deep = string.Concat(Enumerable.Repeat("<x>", 20)) + string.Concat(Enumerable.Repeat("</x>", 20));
        using var reader = Reader(Header + "<message>" + deep + "</message>", new XmppLimits { MaxDepth = 16 });
        await reader.ReadHeaderAsync(CancellationToken.None);
        var e = await Assert.ThrowsAsync<XmppException>(() => reader.ReadStanzaAsync(CancellationToken.None));
        Assert.Contains("nested deeper than 16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dtd_is_refused_before_any_entity_is_expanded()
    {
        using var reader = Reader("<?xml version='1.0'?><!DOCTYPE lol [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]>" + Header[21..]);
        var e = await Assert.ThrowsAsync<XmppException>(() => reader.ReadHeaderAsync(CancellationToken.None));
        Assert.Contains("prohibited", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<message><!-- hidden --></message>")]
    [InlineData("<message><?pi x?></message>")]
    [InlineData("stray text<message/>")]
    [InlineData("<message><body>unclosed</message>")]
    public async Task Comments_processing_instructions_text_between_stanzas_and_bad_xml_end_the_stream(string body)
    {
        using var reader = Reader(Header + body);
        await reader.ReadHeaderAsync(CancellationToken.None);
        await Assert.ThrowsAsync<XmppException>(() => reader.ReadStanzaAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_stream_that_is_not_xmpp_is_refused()
    {
        using var reader = Reader("HTTP/1.1 400 Bad Request\r\n\r\n");
        await Assert.ThrowsAsync<XmppException>(() => reader.ReadHeaderAsync(CancellationToken.None));
    }

    private static StanzaReader Reader(string text, XmppLimits? limits = null) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)), limits ?? new XmppLimits());
}
