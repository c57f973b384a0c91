using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>Installs, updates or uninstalls deployment units (TR-069 A.4.1.10, <c>ChangeDUState</c>).</summary>
/// <param name="Operations">The operations, in order.</param>
/// <param name="CommandKey">Returned in DUStateChangeComplete.</param>
public sealed record ChangeDUStateRequest(
    EquatableList<DeploymentUnitOperation> Operations,
    string CommandKey) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "ChangeDUState";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
