namespace Palisade.Cwmp.Messages;

/// <summary>Acknowledges ScheduleInform (TR-069 A.4.1.4, <c>ScheduleInformResponse</c>).</summary>
public sealed record ScheduleInformResponse : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "ScheduleInformResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
