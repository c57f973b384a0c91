using Palisade.Cwmp.Messages;

namespace Palisade.Cwmp.Envelope;

/// <summary>
/// One SOAP envelope of a CWMP session: the version (namespace) it is written in, its header and
/// its body. The empty HTTP POST a CPE sends when it has nothing more to say is not an envelope:
/// the codec reports it as <see cref="Empty"/>.
/// </summary>
/// <param name="Version">The CWMP version whose namespace the message uses.</param>
/// <param name="Header">The CWMP header elements.</param>
/// <param name="Body">The message, or null for an envelope with an empty body.</param>
public sealed record CwmpEnvelope(CwmpVersion Version, CwmpHeader Header, CwmpMessage? Body)
{
    /// <summary>The empty POST (TR-069 3.7.2.4): no body bytes at all.</summary>
    public static CwmpEnvelope Empty { get; } = new(CwmpVersions.Latest, CwmpHeader.Empty, null);

    /// <summary>True when the envelope carries no message (empty POST or empty Body).</summary>
    public bool IsEmpty => Body is null;

    /// <summary>An envelope for <paramref name="body"/> with the given ID.</summary>
    public static CwmpEnvelope For(CwmpVersion version, string? id, CwmpMessage body) =>
        new(version, new CwmpHeader { Id = id }, body);
}
