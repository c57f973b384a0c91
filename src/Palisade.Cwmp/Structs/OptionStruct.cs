namespace Palisade.Cwmp.Structs;

/// <summary>An option from GetOptionsResponse (TR-069 A.4.1.5).</summary>
/// <param name="OptionName">The option's name.</param>
/// <param name="VoucherSN">The serial number of the voucher that enabled it.</param>
/// <param name="State">Bit 0 enabled, bit 1 setup complete.</param>
/// <param name="Mode">0 disabled, 1 enabled with expiration, 2 enabled without.</param>
/// <param name="StartDate">When it was enabled.</param>
/// <param name="ExpirationDate">When it expires, if it does.</param>
/// <param name="IsTransferable">Whether it may move to another CPE.</param>
public sealed record OptionStruct(
    string OptionName,
    uint VoucherSN,
    uint State,
    int Mode,
    DateTimeOffset StartDate,
    DateTimeOffset? ExpirationDate,
    bool IsTransferable);
