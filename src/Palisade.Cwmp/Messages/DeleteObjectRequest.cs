namespace Palisade.Cwmp.Messages;

/// <summary>Deletes an object instance (TR-069 A.3.2.7, <c>DeleteObject</c>).</summary>
/// <param name="ObjectName">The instance path ending with '.', e.g. Device.IP.Interface.3.</param>
/// <param name="ParameterKey">The value stored in ParameterKey on success.</param>
public sealed record DeleteObjectRequest(
    string ObjectName,
    string ParameterKey) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "DeleteObject";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
