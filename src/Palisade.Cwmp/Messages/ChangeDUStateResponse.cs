namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges ChangeDUState (TR-069 A.4.1.10, <c>ChangeDUStateResponse</c>).</summary>
public sealed record ChangeDUStateResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "ChangeDUStateResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
