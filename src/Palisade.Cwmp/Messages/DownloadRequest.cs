namespace Palisade.Cwmp.Messages;

/// <summary>Asks the CPE to download a file (firmware, configuration, …) (TR-069 A.3.2.8, <c>Download</c>).</summary>
/// <param name="CommandKey">Returned in TransferComplete.</param>
/// <param name="FileType">e.g. 1 Firmware Upgrade Image, 3 Vendor Configuration File.</param>
/// <param name="Url">Where to fetch the file.</param>
/// <param name="Username">File server user name, or empty.</param>
/// <param name="Password">File server password, or empty.</param>
/// <param name="FileSize">The file size in bytes, 0 if unknown.</param>
/// <param name="TargetFileName">The file name on the CPE, or empty.</param>
/// <param name="DelaySeconds">Seconds to wait before starting.</param>
/// <param name="SuccessUrl">Where to send the user on success (web-based downloads), or empty.</param>
/// <param name="FailureUrl">Where to send the user on failure, or empty.</param>
public sealed record DownloadRequest(
    string CommandKey,
    string FileType,
    string Url,
    string Username,
    string Password,
    uint FileSize,
    string TargetFileName,
    uint DelaySeconds,
    string SuccessUrl,
    string FailureUrl) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "Download";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
