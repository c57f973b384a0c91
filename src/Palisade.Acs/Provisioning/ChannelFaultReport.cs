using Palisade.Cwmp;

namespace Palisade.Acs.Provisioning;

/// <summary>What the provisioning step reports when a channel faults.</summary>
/// <param name="Code">e.g. <c>script.timeout</c>, <c>script.memory</c>, <c>script.error</c>, <c>cwmp.9005</c>.</param>
/// <param name="Message">A one-line explanation (bounded by the service).</param>
/// <param name="Detail">More, or null (bounded by the service).</param>
/// <param name="Provisions">The provisions the channel ran.</param>
public sealed record ChannelFaultReport(string Code, string Message, string? Detail, EquatableList<string> Provisions);
