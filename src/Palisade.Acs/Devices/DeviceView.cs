using Palisade.Acs.Storage;

namespace Palisade.Acs.Devices;

/// <summary>A device as a reader sees it.</summary>
/// <param name="Device">The registry record.</param>
/// <param name="Online">See <see cref="DevicePresence.IsOnline"/>.</param>
/// <param name="Tags">Its tags, when asked for.</param>
/// <param name="Parameters">Its cached parameters under the projection or subtree, when asked for.</param>
public sealed record DeviceView(Device Device, bool Online, IReadOnlyList<string>? Tags = null, IReadOnlyList<CachedParameter>? Parameters = null);
