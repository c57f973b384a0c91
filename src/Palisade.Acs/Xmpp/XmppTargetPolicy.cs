using Palisade.Xmpp;

namespace Palisade.Acs.Xmpp;

/// <summary>
/// Which Jabber IDs XMPP connection requests may go to. The device reports its ConnReqJabberID itself, and the request
/// carries its connection-request credentials, so a hostile CPE could otherwise make the ACS send IQs (through the ISP's
/// federated XMPP server) to any domain on the internet. Allowed: the ACS account's own domain and the domains the
/// operator lists (<c>--xmpp-allow-domain</c>); never the ACS's own account (any resource of it).
/// </summary>
internal sealed class XmppTargetPolicy
{
    private readonly Jid _account;
    private readonly HashSet<string> _domains;

    public XmppTargetPolicy(Jid account, IEnumerable<string>? extraDomains)
    {
        ArgumentNullException.ThrowIfNull(account);
        _account = account;
        _domains = new HashSet<string>(StringComparer.Ordinal) { account.Domain };
        foreach (var domain in extraDomains ?? [])
        {
            _domains.Add(NormalizeDomain(domain));
        }
    }

    /// <summary>The domains requests may go to (the account's first, then the operator's, sorted).</summary>
    public IReadOnlyList<string> Domains => [_account.Domain, .. _domains.Where(d => d != _account.Domain).Order(StringComparer.Ordinal)];

    /// <summary>Whether a request may go to <paramref name="target"/>.</summary>
    public XmppTargetVerdict Check(Jid target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Local == _account.Local && target.Domain == _account.Domain)
        {
            return XmppTargetVerdict.OwnAccount;
        }

        return _domains.Contains(target.Domain) ? XmppTargetVerdict.Allowed : XmppTargetVerdict.OtherDomain;
    }

    /// <summary>
    /// An operator's domain as JIDs are compared (lower case); throws with the entry when it is not a bare domain name
    /// (no <c>@</c>, <c>/</c>, blanks or wildcards: each domain is named).
    /// </summary>
    public static string NormalizeDomain(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var name = domain.Trim().ToLowerInvariant();
        if (name.Length is 0 or > 1023 || name.StartsWith('.') || name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal)
            || name.Any(c => c is '@' or '/' or '*' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException($"--xmpp-allow-domain '{domain}' is not a domain: give a name such as xmpp.example.net (no wildcards, no user part).");
        }

        return name;
    }
}
