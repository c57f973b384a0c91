using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Palisade.Testing;

namespace Palisade.Xmpp.Tests;

/// <summary>The client against the real prosody test.sh starts (accounts cpe1, cpe2 and intruder are this class's).</summary>
public sealed class XmppServerTests
{
    // Real sockets on a loaded CI machine: generous.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Logs_in_over_starttls_with_scram_and_binds_a_full_jid_of_the_account()
    {
        var options = TestXmpp.Options("cpe1");
        await using var connection = await XmppConnection.ConnectAsync(options, null, Cancel());
        Assert.Equal(options.Jid.Bare, connection.Jid.Bare);
        Assert.Equal(options.Jid.Resource, connection.Jid.Resource);
        Assert.False(connection.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_server_certificate_from_another_ca_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Not the XMPP CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var otherCa = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var e = await Assert.ThrowsAsync<XmppException>(() => XmppConnection.ConnectAsync(TestXmpp.Options("cpe1", [otherCa]), null, Cancel()));
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_by_the_server()
    {
        var e = await Assert.ThrowsAsync<XmppException>(() => XmppConnection.ConnectAsync(TestXmpp.Options("intruder", password: "wrong-password"), null, Cancel()));
        Assert.Contains("refused the login", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_iq_reaches_the_other_clients_handler_and_its_answer_comes_back()
    {
        var seen = new TaskCompletionSource<(string? From, string User, string Password)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var cpe = await XmppConnection.ConnectAsync(TestXmpp.Options("cpe2"), async (c, iq) =>
        {
            ConnectionRequestIq.TryRead(iq, out var user, out var password);
            seen.TrySetResult(((string?)iq.Attribute("from"), user, password));
            await c.SendAsync(XmppConnection.Result(iq), CancellationToken.None);
        }, Cancel());
        await using var acs = await XmppConnection.ConnectAsync(TestXmpp.Options("intruder"), null, Cancel());

        var answer = await acs.RequestAsync(ConnectionRequestIq.Build(cpe.Jid, "cr-user", "cr-pass"), Patience, Cancel());
        Assert.Equal("result", (string?)answer.Attribute("type"));
        var (from, user, password) = await seen.Task.WaitAsync(Patience);
        Assert.Equal(acs.Jid.ToString(), from);
        Assert.Equal(("cr-user", "cr-pass"), (user, password));
    }

    [Fact]
    public async Task The_client_logs_in_again_after_its_stream_is_lost()
    {
        await using var client = new XmppClient(TestXmpp.Options("cpe1"));
        var jids = new List<Jid?>();
        client.JidChanged += j => { lock (jids) { jids.Add(j); } };
        client.Start();
        var first = await client.ConnectedAsync(Cancel());
        await first.DisposeAsync();

        await Eventually.HoldsAsync(() => client.Current is not null && !ReferenceEquals(client.Current, first), "the client's new login", Patience);

        lock (jids)
        {
            Assert.Equal([first.Jid, null, client.Current!.Jid], jids);
        }
    }

    private static CancellationToken Cancel() => new CancellationTokenSource(Patience).Token;
}
