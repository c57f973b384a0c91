namespace Palisade.Cwmp.Messages;

/// <summary>Lists transfers the ACS asked for (TR-069 A.4.1.1, <c>GetQueuedTransfers</c>).</summary>
public sealed record GetQueuedTransfersRequest : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetQueuedTransfers";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
