namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges TransferComplete (TR-069 A.3.3.2, <c>TransferCompleteResponse</c>).</summary>
public sealed record TransferCompleteResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "TransferCompleteResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
