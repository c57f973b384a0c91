using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>The values asked for (TR-069 A.3.2.2, <c>GetParameterValuesResponse</c>).</summary>
/// <param name="ParameterList">The values.</param>
public sealed record GetParameterValuesResponse(
    EquatableList<ParameterValueStruct> ParameterList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetParameterValuesResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
