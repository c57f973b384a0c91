namespace Palisade.Cwmp.Messages;

/// <summary>Lists every queued transfer, including autonomous ones (TR-069 A.4.1.6, <c>GetAllQueuedTransfers</c>).</summary>
public sealed record GetAllQueuedTransfersRequest : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetAllQueuedTransfers";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
