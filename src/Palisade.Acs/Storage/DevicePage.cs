using Palisade.Acs.Devices;

namespace Palisade.Acs.Storage;

/// <summary>One page of devices in id order.</summary>
/// <param name="Devices">The devices.</param>
/// <param name="NextCursor">Pass as <c>after</c> to get the next page; null at the end.</param>
public sealed record DevicePage(IReadOnlyList<Device> Devices, string? NextCursor);
