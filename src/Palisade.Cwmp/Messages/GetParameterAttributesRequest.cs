namespace Palisade.Cwmp.Messages;

/// <summary>Asks for notification and access-list attributes (TR-069 A.3.2.5, <c>GetParameterAttributes</c>).</summary>
/// <param name="ParameterNames">Full names or partial paths.</param>
public sealed record GetParameterAttributesRequest(
    EquatableList<string> ParameterNames) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetParameterAttributes";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
