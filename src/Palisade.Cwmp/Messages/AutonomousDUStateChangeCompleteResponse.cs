namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges AutonomousDUStateChangeComplete (TR-069 A.4.2.2, <c>AutonomousDUStateChangeCompleteResponse</c>).</summary>
public sealed record AutonomousDUStateChangeCompleteResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "AutonomousDUStateChangeCompleteResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
