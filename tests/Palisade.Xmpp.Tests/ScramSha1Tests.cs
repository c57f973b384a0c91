namespace Palisade.Xmpp.Tests;

public sealed class ScramSha1Tests
{
    [Fact]
    public void Computes_the_proof_and_checks_the_server_signature_of_the_rfc_5802_example()
    {
        var scram = new ScramSha1("user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
        Assert.Equal("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", scram.ClientFirst);
        var final = scram.ClientFinal("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
        Assert.Equal("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", final);
        Assert.True(scram.VerifyServerFinal("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
        Assert.False(scram.VerifyServerFinal("v=smF9pqV8S7suAoZWja4dJRkFsKQ="));
    }

    [Theory]
    [InlineData("r=someoneelse,s=QSXCR+Q6sek8bf92,i=4096")]
    [InlineData("r=fyko+d2lbbFgONRv9qkxdawLxyz,s=QSXCR+Q6sek8bf92,i=1")]
    [InlineData("r=fyko+d2lbbFgONRv9qkxdawLxyz,s=QSXCR+Q6sek8bf92,i=100000000")]
    [InlineData("r=fyko+d2lbbFgONRv9qkxdawLxyz,s=!!,i=4096")]
    public void A_challenge_with_a_foreign_nonce_a_weak_or_costly_count_or_a_bad_salt_is_refused(string challenge)
    {
        var scram = new ScramSha1("user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
        Assert.Throws<XmppException>(() => scram.ClientFinal(challenge));
    }
}
