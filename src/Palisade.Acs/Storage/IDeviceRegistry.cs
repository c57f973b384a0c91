using Palisade.Acs.Devices;
using Palisade.Acs.Query;

namespace Palisade.Acs.Storage;

/// <summary>The registered devices as operators see them: search, cached parameters, tags, counting and deletion.</summary>
public interface IDeviceRegistry : IDeviceLookup, IDeviceEventLog
{
    /// <summary>The cached parameters of a device under <paramref name="prefix"/> (all when null), in path order.</summary>
    Task<IReadOnlyList<CachedParameter>> GetParametersAsync(DeviceId id, string? prefix, CancellationToken cancellationToken);

    /// <summary>
    /// For each of <paramref name="ids"/> (a page of a list or an export), its cached parameters under each of
    /// <paramref name="prefixes"/> in turn, each prefix's in path order; a device with none maps to an empty list.
    /// </summary>
    Task<IReadOnlyDictionary<DeviceId, IReadOnlyList<CachedParameter>>> GetParametersAsync(IReadOnlyList<DeviceId> ids, IReadOnlyList<string> prefixes, CancellationToken cancellationToken);

    /// <summary>How many devices are registered.</summary>
    Task<long> CountDevicesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a device with its parameters, tags and tasks; false if it did not exist. A session of the device open
    /// meanwhile does not bring it back when it commits.
    /// </summary>
    Task<bool> DeleteDeviceAsync(DeviceId id, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a device as <see cref="DeleteDeviceAsync"/> does and blocks its id: the bootstrap credential does not
    /// admit it again, and no session stores it again, until <see cref="UnblockDeviceAsync"/>. Blocking an id that is
    /// not stored (or already blocked) blocks it all the same. Returns whether a device was deleted.
    /// </summary>
    Task<bool> BlockDeviceAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Lifts a block; false when the id was not blocked.</summary>
    Task<bool> UnblockDeviceAsync(DeviceId id, CancellationToken cancellationToken);

    /// <summary>
    /// Readmits a device: forgets its credentials, so that the bootstrap credential admits it once more and its next
    /// session enrolls it again. Only the credentials are written: a session of the device that commits afterwards
    /// keeps them forgotten unless it changed them itself. False when the device does not exist.
    /// </summary>
    Task<bool> ResetCredentialsAsync(DeviceId id, CancellationToken cancellationToken);

    /// <summary>Devices matching a filter, one page at a time, with the total when asked.</summary>
    Task<DeviceSearchResult> SearchDevicesAsync(DeviceSearch search, CancellationToken cancellationToken);

    /// <summary>The ids of up to <paramref name="limit"/> devices matching <paramref name="filter"/> (bulk tasks).</summary>
    Task<IReadOnlyList<DeviceId>> MatchDeviceIdsAsync(Filter? filter, int limit, CancellationToken cancellationToken);

    /// <summary>True when the device exists and matches <paramref name="filter"/>.</summary>
    Task<bool> MatchesAsync(DeviceId id, Filter filter, CancellationToken cancellationToken);

    /// <summary>The device's tags, sorted.</summary>
    Task<IReadOnlyList<string>> GetTagsAsync(DeviceId id, CancellationToken cancellationToken);

    /// <summary>Adds (<paramref name="present"/>) or removes a tag; false when the device does not exist.</summary>
    Task<bool> SetTagAsync(DeviceId id, string tag, bool present, CancellationToken cancellationToken);

    /// <summary>
    /// Registers devices before their first session (factory credentials, <c>palisade devices import</c>), each with its
    /// tags, all or nothing: a device already stored or blocked throws <see cref="StoreException"/>
    /// (<see cref="StoreErrorReason.Rejected"/>) naming it, and nothing is written.
    /// </summary>
    Task ImportDevicesAsync(IReadOnlyList<ImportedDevice> devices, CancellationToken cancellationToken);
}
