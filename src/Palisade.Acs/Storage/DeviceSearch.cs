using Palisade.Acs.Devices;
using Palisade.Acs.Query;

namespace Palisade.Acs.Storage;

/// <summary>A device search: filter, order and one page.</summary>
/// <param name="Filter">Which devices (null: all).</param>
/// <param name="Sort">id, lastInform or registered.</param>
/// <param name="Descending">Newest or highest first.</param>
/// <param name="After">Where the previous page ended: its <see cref="DeviceSearchResult.Next"/> (null: the first page).</param>
/// <param name="Limit">Page size, 1–1000.</param>
/// <param name="IncludeTotal">Also count every match.</param>
/// <remarks>
/// Pages continue after the last device of the previous page in the sort order (keyset), not after a count of
/// devices: a page costs the same at the millionth device as at the first, and devices added or removed while a
/// client pages neither repeat nor skip the others.
/// </remarks>
public sealed record DeviceSearch(Filter? Filter, string Sort = "id", bool Descending = false, string? After = null, int Limit = 100, bool IncludeTotal = true)
{
    public static readonly IReadOnlyList<string> SortFields = ["id", "lastInform", "registered"];
}

/// <summary>One page of a device search.</summary>
/// <param name="Devices">The page.</param>
/// <param name="Total">Every match, when asked for.</param>
/// <param name="Next">Passed as <see cref="DeviceSearch.After"/> (same filter and order) for the next page; null after the last.</param>
public sealed record DeviceSearchResult(IReadOnlyList<Device> Devices, long? Total, string? Next);
