namespace Palisade.Cwmp.Messages;

/// <summary>Asks the CPE for parameter values (TR-069 A.3.2.2, <c>GetParameterValues</c>).</summary>
/// <param name="ParameterNames">Full names or partial paths ending with '.'.</param>
public sealed record GetParameterValuesRequest(
    EquatableList<string> ParameterNames) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "GetParameterValues";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
