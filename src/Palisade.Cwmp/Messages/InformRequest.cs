using Palisade.Cwmp.Structs;

namespace Palisade.Cwmp.Messages;

/// <summary>Opens every session: who the CPE is, why it connects, and its Inform parameters (TR-069 A.3.3.1, <c>Inform</c>).</summary>
/// <param name="DeviceId">The CPE's identity.</param>
/// <param name="Events">Why the session opens.</param>
/// <param name="MaxEnvelopes">Must be 1 from CWMP 1.1 on; kept for compatibility.</param>
/// <param name="CurrentTime">The CPE's clock, or the unknown time.</param>
/// <param name="RetryCount">How many times the CPE has retried this session.</param>
/// <param name="ParameterList">The Inform parameters; may be empty.</param>
public sealed record InformRequest(
    DeviceIdStruct DeviceId,
    EquatableList<EventStruct> Events,
    uint MaxEnvelopes,
    DateTimeOffset CurrentTime,
    uint RetryCount,
    EquatableList<ParameterValueStruct> ParameterList) : CwmpMessage
{
    /// <inheritdoc />
    public override string MethodName => "Inform";

    /// <inheritdoc />
    public override bool IsResponse => false;
}
