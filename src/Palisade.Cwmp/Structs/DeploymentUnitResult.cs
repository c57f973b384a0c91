namespace Palisade.Cwmp.Structs;

/// <summary>
/// The result of one deployment-unit operation (TR-069 A.3.3.3 OpResultStruct; with
/// <see cref="OperationPerformed"/> set it is an AutonOpResultStruct, A.3.3.4).
/// </summary>
/// <param name="Uuid">The unit's UUID.</param>
/// <param name="DeploymentUnitRef">The path of its DeploymentUnit instance.</param>
/// <param name="Version">Its version.</param>
/// <param name="CurrentState">Installed, Uninstalled or Failed.</param>
/// <param name="Resolved">Whether its dependencies are resolved.</param>
/// <param name="ExecutionUnitRefList">Comma-separated ExecutionUnit paths.</param>
/// <param name="StartTime">When the operation started.</param>
/// <param name="CompleteTime">When it ended.</param>
/// <param name="Fault">Its outcome.</param>
/// <param name="OperationPerformed">For autonomous changes: Install, Update or Uninstall; null otherwise.</param>
public sealed record DeploymentUnitResult(
    string Uuid,
    string DeploymentUnitRef,
    string Version,
    string CurrentState,
    bool Resolved,
    string ExecutionUnitRefList,
    DateTimeOffset StartTime,
    DateTimeOffset CompleteTime,
    TransferFault Fault,
    string? OperationPerformed = null);
