namespace Palisade.Cwmp.Messages;

/// <summary>The outcome or acceptance of Upload (TR-069 A.4.1.5, <c>UploadResponse</c>).</summary>
/// <param name="Status">0 completed, 1 will complete later with TransferComplete.</param>
/// <param name="StartTime">When the transfer started, or the unknown time.</param>
/// <param name="CompleteTime">When it completed, or the unknown time.</param>
public sealed record UploadResponse(
    int Status,
    DateTimeOffset StartTime,
    DateTimeOffset CompleteTime) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "UploadResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
