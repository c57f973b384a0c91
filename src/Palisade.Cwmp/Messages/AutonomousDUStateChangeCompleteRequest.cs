using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>Reports deployment-unit changes the ACS did not ask for (TR-069 A.4.2.2, <c>AutonomousDUStateChangeComplete</c>).</summary>
/// <param name="Results">The results, each with OperationPerformed.</param>
public sealed record AutonomousDUStateChangeCompleteRequest(
    EquatableList<DeploymentUnitResult> Results) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "AutonomousDUStateChangeComplete";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
