namespace Palisade.Xmpp;

/// <summary>An XMPP address <c>local@domain/resource</c> (RFC 7622), compared as TR-069 Annex K compares them.</summary>
public sealed record Jid(string Local, string Domain, string? Resource)
{
    /// <summary>Reads <paramref name="text"/>; false for anything that is not <c>local@domain[/resource]</c> within 3×1023 bytes.</summary>
    public static bool TryParse(string? text, out Jid jid)
    {
        jid = null!;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 3071)
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var bare = slash < 0 ? text : text[..slash];
        var resource = slash < 0 ? null : text[(slash + 1)..];
        var at = bare.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == bare.Length - 1 || bare.IndexOf('@', at + 1) >= 0 || resource is { Length: 0 } || bare.Any(char.IsWhiteSpace))
        {
            return false;
        }

        jid = new Jid(bare[..at].ToLowerInvariant(), bare[(at + 1)..].ToLowerInvariant(), resource);
        return true;
    }

    /// <summary>Reads a JID the operator configured; throws with <paramref name="source"/> when it is not <c>local@domain[/resource]</c>.</summary>
    public static Jid Parse(string text, string source) =>
        TryParse(text, out var jid) ? jid : throw new ArgumentException($"{source} '{text}' is not a Jabber ID: expected local@domain or local@domain/resource.");

    /// <summary><c>local@domain</c>.</summary>
    public string Bare => Local + "@" + Domain;

    /// <summary>
    /// TR-069 (ManagementServer.ConnReqAllowedJabberIDs): a full JID in the list matches exactly, a bare one matches
    /// every resource of that local part and domain.
    /// </summary>
    public bool IsAllowedBy(Jid entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Local == entry.Local && Domain == entry.Domain && (entry.Resource is null || entry.Resource == Resource);
    }

    public override string ToString() => Resource is null ? Bare : Bare + "/" + Resource;
}
