using System.Net;
using Palisade.Cwmp.Stun;

namespace Palisade.Cwmp.Tests;

public sealed class StunMessageTests
{
    [Fact]
    public void A_binding_request_with_integrity_reads_back_and_verifies_only_with_its_key()
    {
        var request = StunMessage.NewBindingRequest()
            .Add(StunMessage.ConnectionRequestBinding, StunMessage.ConnectionRequestBindingValue)
            .Add(StunMessage.Username, "cr-user"u8.ToArray())
            .Add(StunMessage.BindingChange, []);
        var bytes = request.ToBytes("secret");
        Assert.True(StunMessage.TryParse(bytes, out var parsed, out var integrity));
        Assert.Equal(StunMessage.BindingRequest, parsed!.Type);
        Assert.Equal(request.TransactionId, parsed.TransactionId);
        Assert.Equal("cr-user", parsed.UserName);
        Assert.True(parsed.Has(StunMessage.BindingChange));
        Assert.True(StunMessage.VerifyIntegrity(bytes, integrity, "secret"));
        Assert.False(StunMessage.VerifyIntegrity(bytes, integrity, "Secret"));
        bytes[25] ^= 1; // a byte the integrity covers
        Assert.False(StunMessage.VerifyIntegrity(bytes, integrity, "secret"));
    }

    [Fact]
    public void The_mapped_address_survives_the_xor_and_the_plain_form()
    {
        var endpoint = new IPEndPoint(IPAddress.Parse("198.51.100.7"), 40001);
        var response = new StunMessage(StunMessage.BindingResponse, new byte[12]).AddMapped(endpoint);
        Assert.True(StunMessage.TryParse(response.ToBytes(), out var parsed, out _));
        Assert.Equal(endpoint, parsed!.Mapped());
        var plainOnly = new StunMessage(StunMessage.BindingResponse, new byte[12]).Add(StunMessage.MappedAddress, parsed.Get(StunMessage.MappedAddress)!);
        Assert.Equal(endpoint, plainOnly.Mapped());
    }

    [Fact]
    public void Anything_but_a_bounded_well_formed_message_is_refused()
    {
        var good = StunMessage.NewBindingRequest().Add(StunMessage.Username, "u"u8.ToArray()).ToBytes();
        Assert.True(StunMessage.TryParse(good, out _, out _));
        Assert.False(StunMessage.TryParse(good.AsSpan(0, 19), out _, out _));
        Assert.False(StunMessage.TryParse([.. good, 0, 0, 0, 0], out _, out _)); // length field says otherwise
        var noCookie = (byte[])good.Clone();
        noCookie[4] ^= 0xFF;
        Assert.False(StunMessage.TryParse(noCookie, out _, out _));
        var overrun = (byte[])good.Clone();
        overrun[23] = 200; // an attribute longer than the message
        Assert.False(StunMessage.TryParse(overrun, out _, out _));
        var many = StunMessage.NewBindingRequest();
        for (var i = 0; i < 17; i++)
        {
            many.Add(0x8000, [1]);
        }

        Assert.False(StunMessage.TryParse(many.ToBytes(), out _, out _));
        Assert.False(StunMessage.TryParse(new byte[600], out _, out _));
        Assert.False(StunMessage.TryParse("GET / HTTP/1.1\r\n\r\n\r\n\r\n"u8, out _, out _));
    }
}
