namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges ScheduleDownload (TR-069 A.4.1.8, <c>ScheduleDownloadResponse</c>).</summary>
public sealed record ScheduleDownloadResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "ScheduleDownloadResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
