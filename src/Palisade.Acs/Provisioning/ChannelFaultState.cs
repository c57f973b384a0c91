namespace Palisade.Acs.Provisioning;

/// <summary>A channel's standing fault on one device: how often it failed in a row, and when it may run again.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="Retries">Failures in a row so far.</param>
/// <param name="RetryAfter">Not run again before this.</param>
public sealed record ChannelFaultState(string Channel, int Retries, DateTimeOffset RetryAfter);
