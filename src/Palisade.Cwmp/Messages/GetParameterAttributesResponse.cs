using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>The attributes asked for (TR-069 A.3.2.5, <c>GetParameterAttributesResponse</c>).</summary>
/// <param name="ParameterList">The attributes.</param>
public sealed record GetParameterAttributesResponse(
    EquatableList<ParameterAttributeStruct> ParameterList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetParameterAttributesResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
