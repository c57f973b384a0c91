using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>Reports a transfer the ACS did not ask for (TR-069 A.3.3.3, <c>AutonomousTransferComplete</c>).</summary>
/// <param name="AnnounceUrl">The URL the transfer was announced on, or empty.</param>
/// <param name="TransferUrl">The URL of the file.</param>
/// <param name="IsDownload">Download (true) or upload.</param>
/// <param name="FileType">The file type.</param>
/// <param name="FileSize">The size in bytes.</param>
/// <param name="TargetFileName">The target file name, or empty.</param>
/// <param name="Fault">Success (code 0) or the fault.</param>
/// <param name="StartTime">When it started.</param>
/// <param name="CompleteTime">When it ended.</param>
public sealed record AutonomousTransferCompleteRequest(
    string AnnounceUrl,
    string TransferUrl,
    bool IsDownload,
    string FileType,
    uint FileSize,
    string TargetFileName,
    TransferFault Fault,
    DateTimeOffset StartTime,
    DateTimeOffset CompleteTime) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "AutonomousTransferComplete";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
