namespace Palisade.Cwmp.Messages;

/// <summary>Creates an instance of a multi-instance object (TR-069 A.3.2.6, <c>AddObject</c>).</summary>
/// <param name="ObjectName">The object path ending with '.', e.g. Device.IP.Interface.</param>
/// <param name="ParameterKey">The value stored in ParameterKey on success.</param>
public sealed record AddObjectRequest(
    string ObjectName,
    string ParameterKey) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "AddObject";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
