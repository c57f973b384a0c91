using Palisade.Acs.Devices;
using Palisade.Acs.Query;

namespace Palisade.Acs.Storage;

/// <summary>A device search: filter, order and one page.</summary>
/// <param name="Filter">Which devices (null: all).</param>
/// <param name="Sort">id, lastInform or registered.</param>
/// <param name="Descending">Newest or highest first.</param>
/// <param name="Offset">Devices to skip (from the cursor).</param>
/// <param name="Limit">Page size, 1–1000.</param>
/// <param name="IncludeTotal">Also count every match.</param>
public sealed record DeviceSearch(Filter? Filter, string Sort = "id", bool Descending = false, int Offset = 0, int Limit = 100, bool IncludeTotal = true)
{
    public static readonly IReadOnlyList<string> SortFields = ["id", "lastInform", "registered"];
}

/// <summary>One page of a device search.</summary>
public sealed record DeviceSearchResult(IReadOnlyList<Device> Devices, long? Total, int? NextOffset);
