namespace Palisade.Cwmp.Messages;

/// <summary>
/// The body of a CWMP envelope: one RPC request, one RPC response, or a <see cref="CwmpFault"/>.
/// Every concrete message is an immutable record; only the codec knows XML.
/// </summary>
public abstract record CwmpMessage
{
    /// <summary>The element name in the SOAP body, e.g. <c>Inform</c> or <c>InformResponse</c>.</summary>
    public abstract string MethodName { get; }

    /// <summary>True for a response (or fault) to a request the other side sent.</summary>
    public abstract bool IsResponse { get; }
}
