using System.Runtime.CompilerServices;
using Palisade.Acs.Devices;
using Palisade.Acs.Query;

namespace Palisade.Acs.Storage;

/// <summary>Walking a whole match set (an export, a fleet-wide count) without holding it in memory.</summary>
public static class DeviceStorePaging
{
    /// <summary>
    /// Every device <paramref name="filter"/> matches (all when null), a page at a time in id order. Keyset pages:
    /// each costs the same at the millionth device as at the first, and devices added or removed meanwhile neither
    /// repeat nor skip the others.
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<Device>> PagesAsync(this IDeviceRegistry store, Filter? filter, int pageSize = 1000, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string? after = null;
        do
        {
            var page = await store.SearchDevicesAsync(new DeviceSearch(filter, After: after, Limit: pageSize, IncludeTotal: false), cancellationToken).ConfigureAwait(false);
            yield return page.Devices;
            after = page.Next;
        }
        while (after is not null);
    }
}
