using Microsoft.Extensions.Logging;
using Palisade.Acs.ConnectionRequests;
using Palisade.Acs.Devices;
using Palisade.Acs.Xmpp;
using Palisade.Xmpp;

namespace Palisade.Acs.Tests.Xmpp;

/// <summary>
/// A device reports its own ConnReqJabberID, and the XMPP request carries its connection-request credentials: the ACS
/// sends it only into its own account's domain (and the domains the operator adds), never to itself.
/// </summary>
public sealed class XmppTargetPolicyTests
{
    private static readonly Jid Account = new("acs", "xmpp.isp.example", "palisade-1");

    [Theory]
    [InlineData("cpe1@xmpp.isp.example/cwmp", "Allowed")]
    [InlineData("CPE1@XMPP.ISP.Example", "Allowed")]
    [InlineData("cpe1@partner.example/cwmp", "Allowed")]
    [InlineData("cpe1@attacker.example/cwmp", "OtherDomain")]
    [InlineData("cpe1@sub.xmpp.isp.example", "OtherDomain")]
    [InlineData("cpe1@xmpp.isp.example.attacker.example", "OtherDomain")]
    [InlineData("cpe1@xmpp.isp.example.", "OtherDomain")]
    [InlineData("acs@xmpp.isp.example/palisade-2", "OwnAccount")]
    [InlineData("acs@xmpp.isp.example", "OwnAccount")]
    public void Only_the_accounts_domain_and_the_operators_domains_are_served(string target, string expected)
    {
        var policy = new XmppTargetPolicy(Account, ["Partner.Example "]);

        Assert.Equal(expected, policy.Check(Jid.Parse(target, "test")).ToString());
        Assert.Equal(["xmpp.isp.example", "partner.example"], policy.Domains);
    }

    [Fact]
    public void Without_operator_domains_only_the_accounts_domain_is_served()
    {
        var policy = new XmppTargetPolicy(Account, null);

        Assert.Equal(XmppTargetVerdict.Allowed, policy.Check(Jid.Parse("cpe1@xmpp.isp.example/cwmp", "test")));
        Assert.Equal(XmppTargetVerdict.OtherDomain, policy.Check(Jid.Parse("cpe1@partner.example/cwmp", "test")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("*.example.net")]
    [InlineData("user@example.net")]
    [InlineData("example.net/res")]
    [InlineData("exa mple.net")]
    [InlineData(".example.net")]
    public void A_domain_that_is_not_a_bare_name_is_refused_naming_the_option(string domain)
    {
        var e = Assert.Throws<ArgumentException>(() => XmppTargetPolicy.NormalizeDomain(domain));
        Assert.Contains("--xmpp-allow-domain", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_requester_lists_a_refused_jabber_id_as_an_attempt_and_logs_it_without_the_credentials()
    {
        // The XMPP client is never started: a request that passes the rule ends as xmpp-not-connected, one that does
        // not never gets that far.
        var log = new ListLogger();
        await using var xmpp = new XmppConnectionRequests(new XmppOptions { Host = "127.0.0.1", Jid = Account, Password = "acs-password" }, logger: log, allowedDomains: ["partner.example"]);
        using var requester = new ConnectionRequester(new ConnectionRequestOptions());
        var reported = "cpe1@attacker.example/cwmp";
        requester.UseXmpp(xmpp, (_, _) => Task.FromResult<string?>(reported));
        var device = new Device { Id = new DeviceId("00D09E", "TEST", "XMPP01"), RegisteredAt = DateTimeOffset.UnixEpoch, ConnectionRequest = new ConnectionRequestEndpoint(string.Empty, "cr-user", "cr-Secret-42", null) };

        var refused = await requester.RequestAsync(device, CancellationToken.None);

        Assert.Equal((ConnectionRequestResult.Unreachable, ConnectionRequestReason.RefusedAddress), (refused.Result, refused.Reason));
        Assert.Equal(new ConnectionRequestAttempt(ConnectionRequestChannel.Xmpp, ConnectionRequestReason.RefusedAddress), refused.Attempts[^1]);
        Assert.Equal(1, requester.RefusedAddresses);
        var line = Assert.Single(log.Lines, l => l.Contains("attacker.example", StringComparison.Ordinal));
        Assert.Contains("00D09E-TEST-XMPP01", line, StringComparison.Ordinal);
        Assert.DoesNotContain(log.Lines, l => l.Contains("cr-Secret-42", StringComparison.Ordinal) || l.Contains("cr-user", StringComparison.Ordinal));

        reported = "cpe1@partner.example/cwmp";
        var allowed = await requester.RequestAsync(device, CancellationToken.None);
        Assert.Equal(ConnectionRequestReason.XmppNotConnected, allowed.Reason);

        reported = "acs@xmpp.isp.example/palisade-2";
        Assert.Equal(ConnectionRequestReason.RefusedAddress, (await requester.RequestAsync(device, CancellationToken.None)).Reason);
    }

    private sealed class ListLogger : ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue($"{logLevel} {eventId.Id} {formatter(state, exception)}");
    }
}
