using Palisade.Acs.Devices;

namespace Palisade.Acs.Storage;

/// <summary>A device registered before its first session (<see cref="IDeviceRegistry.ImportDevicesAsync"/>), with its tags.</summary>
/// <param name="Device">The record, with its credentials.</param>
/// <param name="Tags">Tags it starts with.</param>
public sealed record ImportedDevice(Device Device, IReadOnlyList<string> Tags);
