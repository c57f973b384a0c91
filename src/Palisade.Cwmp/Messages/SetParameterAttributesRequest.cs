using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>Changes notification and access-list attributes (TR-069 A.3.2.4, <c>SetParameterAttributes</c>).</summary>
/// <param name="ParameterList">The changes.</param>
public sealed record SetParameterAttributesRequest(
    EquatableList<SetParameterAttributesStruct> ParameterList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "SetParameterAttributes";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
