namespace Palisade.Cwmp.Messages;

/// <summary>Sends signed option vouchers (TR-069 A.4.1.2, <c>SetVouchers</c>).</summary>
/// <param name="VoucherList">The vouchers, base64 text.</param>
public sealed record SetVouchersRequest(
    EquatableList<string> VoucherList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "SetVouchers";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
