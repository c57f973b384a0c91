namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges Reboot (TR-069 A.3.2.9, <c>RebootResponse</c>).</summary>
public sealed record RebootResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "RebootResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
