using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>The queued transfers (TR-069 A.4.1.1, <c>GetQueuedTransfersResponse</c>).</summary>
/// <param name="TransferList">The transfers.</param>
public sealed record GetQueuedTransfersResponse(
    EquatableList<QueuedTransferStruct> TransferList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetQueuedTransfersResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
