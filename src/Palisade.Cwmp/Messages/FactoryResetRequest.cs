namespace Palisade.Cwmp.Messages;

/// <summary>Resets the CPE to factory defaults after the session (TR-069 A.4.1.9, <c>FactoryReset</c>).</summary>
public sealed record FactoryResetRequest : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "FactoryReset";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
