using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>Reports the end of a transfer the ACS asked for (TR-069 A.3.3.2, <c>TransferComplete</c>).</summary>
/// <param name="CommandKey">The Download/Upload command key.</param>
/// <param name="Fault">Success (code 0) or the fault.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="CompleteTime">When it ended.</param>
public sealed record TransferCompleteRequest(
    string CommandKey,
    TransferFault Fault,
    DateTimeOffset StartTime,
    DateTimeOffset CompleteTime) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "TransferComplete";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
