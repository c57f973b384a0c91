namespace Palisade.Cwmp.Structs;

/// <summary>The outcome of a transfer (TR-069 A.3.3.2, FaultStruct); code 0 means success.</summary>
/// <param name="FaultCode">0 for success, else a 9xxx fault code.</param>
/// <param name="FaultString">The fault's description, empty on success.</param>
public sealed record TransferFault(int FaultCode, string FaultString)
{
    /// <summary>The success value.</summary>
    public static TransferFault None { get; } = new(0, string.Empty);

    /// <summary>True when the transfer succeeded.</summary>
    public bool IsSuccess => FaultCode == 0;
}
