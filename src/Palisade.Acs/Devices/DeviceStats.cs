namespace Palisade.Acs.Devices;

/// <summary>Fleet size and connection-request outcomes since start.</summary>
public sealed record DeviceStats(long Devices, long Reached, long Refused, long Timeouts, long Unreachable, long UdpSent);
