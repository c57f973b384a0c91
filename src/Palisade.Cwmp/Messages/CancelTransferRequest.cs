namespace Palisade.Cwmp.Messages;

/// <summary>Cancels a queued transfer (TR-069 A.4.1.9, <c>CancelTransfer</c>).</summary>
/// <param name="CommandKey">The transfer to cancel.</param>
public sealed record CancelTransferRequest(
    string CommandKey) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "CancelTransfer";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
