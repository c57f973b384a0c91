namespace Palisade.Cwmp.Messages;

/// <summary>Accepts the Inform (TR-069 A.3.3.1, <c>InformResponse</c>).</summary>
/// <param name="MaxEnvelopes">Always 1.</param>
public sealed record InformResponse(
    uint MaxEnvelopes) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "InformResponse";

    /// <inheritdoc />
    public override bool IsResponse => true;
}
