using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>The names found, with writability (TR-069 A.3.2.3, <c>GetParameterNamesResponse</c>).</summary>
/// <param name="ParameterList">The names.</param>
public sealed record GetParameterNamesResponse(
    EquatableList<ParameterInfoStruct> ParameterList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetParameterNamesResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
