using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>All queued transfers (TR-069 A.4.1.6, <c>GetAllQueuedTransfersResponse</c>).</summary>
/// <param name="TransferList">The transfers.</param>
public sealed record GetAllQueuedTransfersResponse(
    EquatableList<AllQueuedTransferStruct> TransferList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetAllQueuedTransfersResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
