namespace Palisade.Acs.Devices;

/// <summary>A page of a device list, as a client asks for it.</summary>
/// <param name="Filter">The filter text (see <c>Query.FilterParser</c>), or null for all.</param>
/// <param name="Sort">id, lastInform or registered, '-' first for descending; null for id.</param>
/// <param name="Cursor">A <see cref="DevicePage.NextCursor"/> from the previous page with the same sort, or null.</param>
/// <param name="Limit">Page size, 1–1000.</param>
/// <param name="Projection">Comma-separated parameter paths or prefixes to include, or null.</param>
public sealed record DeviceQuery(string? Filter, string? Sort = null, string? Cursor = null, int Limit = 100, string? Projection = null);
