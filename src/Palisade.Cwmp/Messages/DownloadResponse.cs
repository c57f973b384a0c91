namespace Palisade.Cwmp.Messages;

/// <summary>The outcome or acceptance of Download (TR-069 A.3.2.8, <c>DownloadResponse</c>).</summary>
/// <param name="Status">0 completed (times valid), 1 will complete later with TransferComplete.</param>
/// <param name="StartTime">When the transfer started, or the unknown time.</param>
/// <param name="CompleteTime">When it completed, or the unknown time.</param>
public sealed record DownloadResponse(
    int Status,
    DateTimeOffset StartTime,
    DateTimeOffset CompleteTime) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "DownloadResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
