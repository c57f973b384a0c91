namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges SetParameterAttributes (TR-069 A.3.2.4, <c>SetParameterAttributesResponse</c>).</summary>
public sealed record SetParameterAttributesResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "SetParameterAttributesResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
