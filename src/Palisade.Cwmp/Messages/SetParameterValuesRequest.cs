using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>Sets parameter values; the CPE applies all or none (TR-069 A.3.2.1, <c>SetParameterValues</c>).</summary>
/// <param name="ParameterList">The values to set.</param>
/// <param name="ParameterKey">The value the CPE stores in ParameterKey when the set succeeds.</param>
public sealed record SetParameterValuesRequest(
    EquatableList<ParameterValueStruct> ParameterList,
    string ParameterKey) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "SetParameterValues";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
