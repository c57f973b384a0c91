namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges SetVouchers (TR-069 A.4.1.2, <c>SetVouchersResponse</c>).</summary>
public sealed record SetVouchersResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "SetVouchersResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
