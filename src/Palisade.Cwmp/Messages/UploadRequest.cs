namespace Palisade.Cwmp.Messages;

/// <summary>Asks the CPE to upload a file (configuration, log) (TR-069 A.4.1.5, <c>Upload</c>).</summary>
/// <param name="CommandKey">Returned in TransferComplete.</param>
/// <param name="FileType">e.g. 1 Vendor Configuration File, 2 Vendor Log File.</param>
/// <param name="Url">Where to put the file.</param>
/// <param name="Username">Server user name, or empty.</param>
/// <param name="Password">Server password, or empty.</param>
/// <param name="DelaySeconds">Seconds to wait before starting.</param>
public sealed record UploadRequest(
    string CommandKey,
    string FileType,
    string Url,
    string Username,
    string Password,
    uint DelaySeconds) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "Upload";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
