namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges DUStateChangeComplete (TR-069 A.4.2.1, <c>DUStateChangeCompleteResponse</c>).</summary>
public sealed record DUStateChangeCompleteResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "DUStateChangeCompleteResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
