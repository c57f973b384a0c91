namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges FactoryReset (TR-069 A.4.1.9, <c>FactoryResetResponse</c>).</summary>
public sealed record FactoryResetResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "FactoryResetResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
