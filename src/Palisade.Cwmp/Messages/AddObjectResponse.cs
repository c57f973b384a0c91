namespace Palisade.Cwmp.Messages;

/// <summary>The new instance (TR-069 A.3.2.6, <c>AddObjectResponse</c>).</summary>
/// <param name="InstanceNumber">The new instance number.</param>
/// <param name="Status">0 applied, 1 takes effect later.</param>
public sealed record AddObjectResponse(
    uint InstanceNumber,
    int Status) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "AddObjectResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
