namespace Palisade.Acs.Provisioning;

/// <summary>One channel of a session's provisioning: the provisions the matching presets call in it, in order. A fault in one channel never blocks another.</summary>
/// <param name="Channel">The channel's name (GenieACS's preset <c>channel</c>; <c>default</c> when none).</param>
/// <param name="Calls">The provisions, in preset weight order.</param>
public sealed record ProvisioningChannel(string Channel, IReadOnlyList<ProvisionInvocation> Calls);

/// <summary>One provision a preset calls: its name, its script (null when the store has none of that name), and its arguments as a JSON array.</summary>
/// <param name="Name">The provision's name.</param>
/// <param name="Body">The script, or null when it does not exist.</param>
/// <param name="Sha256">The hex SHA-256 of the body, when the store knows it (computed otherwise).</param>
/// <param name="ArgumentsJson">The preset's arguments, a JSON array (<c>[]</c> for none).</param>
public sealed record ProvisionInvocation(string Name, string? Body, string? Sha256, string ArgumentsJson);
