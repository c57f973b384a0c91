namespace Palisade.Cwmp.Messages;

/// <summary>Asks the CPE to open a session later (TR-069 A.4.1.4, <c>ScheduleInform</c>).</summary>
/// <param name="DelaySeconds">Seconds from now.</param>
/// <param name="CommandKey">Returned in the M ScheduleInform event.</param>
public sealed record ScheduleInformRequest(
    uint DelaySeconds,
    string CommandKey) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "ScheduleInform";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
