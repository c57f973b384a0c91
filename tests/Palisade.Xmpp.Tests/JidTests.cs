namespace Palisade.Xmpp.Tests;

public sealed class JidTests
{
    [Theory]
    [InlineData("ACS1@tr069.example.com/resource1", "ACS1@tr069.example.com", true)]
    [InlineData("ACS1@tr069.example.com/resource2", "acs1@TR069.example.com", true)]
    [InlineData("ACS2@tr069.example.com/resource1", "ACS2@tr069.example.com/resource1", true)]
    [InlineData("ACS2@tr069.example.com/resource2", "ACS2@tr069.example.com/resource1", false)]
    [InlineData("ACS@tr069.example.com/resource", "ACS1@tr069.example.com", false)]
    public void A_bare_entry_allows_every_resource_and_a_full_one_only_its_own(string from, string entry, bool allowed)
    {
        Assert.True(Jid.TryParse(from, out var sender));
        Assert.True(Jid.TryParse(entry, out var allowedEntry));
        Assert.Equal(allowed, sender.IsAllowedBy(allowedEntry));
    }

    [Theory]
    [InlineData("")]
    [InlineData("palisade.test")]
    [InlineData("@palisade.test")]
    [InlineData("a@")]
    [InlineData("a@b@c")]
    [InlineData("a@b/")]
    [InlineData("a b@c")]
    public void Anything_but_local_at_domain_is_not_a_jid(string text) => Assert.False(Jid.TryParse(text, out _));
}
