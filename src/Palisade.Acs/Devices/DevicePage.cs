namespace Palisade.Acs.Devices;

/// <summary>One page of devices.</summary>
/// <param name="Devices">The page.</param>
/// <param name="Total">Every match; on the first page only.</param>
/// <param name="NextCursor">Continues after the last device of this page; null after the last page.</param>
public sealed record DevicePage(IReadOnlyList<DeviceView> Devices, long? Total, string? NextCursor);
