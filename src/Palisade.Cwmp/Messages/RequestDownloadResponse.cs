namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges RequestDownload (TR-069 A.4.2.1, <c>RequestDownloadResponse</c>).</summary>
public sealed record RequestDownloadResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "RequestDownloadResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
