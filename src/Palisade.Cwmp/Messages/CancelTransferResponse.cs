namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges CancelTransfer (TR-069 A.4.1.9, <c>CancelTransferResponse</c>).</summary>
public sealed record CancelTransferResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "CancelTransferResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
