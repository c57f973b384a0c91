using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>Asks the CPE to download a file within time windows (TR-069 A.4.1.8, <c>ScheduleDownload</c>).</summary>
/// <param name="CommandKey">Returned in TransferComplete.</param>
/// <param name="FileType">The file type.</param>
/// <param name="Url">Where to fetch the file.</param>
/// <param name="Username">File server user name, or empty.</param>
/// <param name="Password">File server password, or empty.</param>
/// <param name="FileSize">The file size in bytes, 0 if unknown.</param>
/// <param name="TargetFileName">The file name on the CPE, or empty.</param>
/// <param name="TimeWindowList">One or two time windows.</param>
public sealed record ScheduleDownloadRequest(
    string CommandKey,
    string FileType,
    string Url,
    string Username,
    string Password,
    uint FileSize,
    string TargetFileName,
    EquatableList<TimeWindowStruct> TimeWindowList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "ScheduleDownload";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
