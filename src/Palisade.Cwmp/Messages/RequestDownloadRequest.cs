using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>Asks the ACS to send a Download (TR-069 A.4.2.1, <c>RequestDownload</c>).</summary>
/// <param name="FileType">The file type wanted.</param>
/// <param name="FileTypeArg">Arguments qualifying the request.</param>
public sealed record RequestDownloadRequest(
    string FileType,
    EquatableList<ArgStruct> FileTypeArg) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "RequestDownload";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
