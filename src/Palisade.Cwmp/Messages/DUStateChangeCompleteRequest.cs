using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>Reports the results of ChangeDUState (TR-069 A.4.2.1, <c>DUStateChangeComplete</c>).</summary>
/// <param name="Results">One result per operation.</param>
/// <param name="CommandKey">The ChangeDUState command key.</param>
public sealed record DUStateChangeCompleteRequest(
    EquatableList<DeploymentUnitResult> Results,
    string CommandKey) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "DUStateChangeComplete";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
