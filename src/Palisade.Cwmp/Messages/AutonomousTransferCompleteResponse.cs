namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges AutonomousTransferComplete (TR-069 A.3.3.3, <c>AutonomousTransferCompleteResponse</c>).</summary>
public sealed record AutonomousTransferCompleteResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "AutonomousTransferCompleteResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
