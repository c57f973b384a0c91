namespace Palisade.Acs.SavedSearches;

/// <summary>A device search a user keeps under a name: the device list's query (filter, columns, sort, page size).</summary>
/// <param name="Owner">Whose it is: the caller's actor (<c>user:NAME</c> or <c>key:NAME</c>); only they see it.</param>
/// <param name="Name">The name it is listed under (unique per owner).</param>
/// <param name="Query">The device list's query string, without the leading <c>?</c>.</param>
/// <param name="CreatedAt">When it was saved (last).</param>
public sealed record SavedSearch(string Owner, string Name, string Query, DateTimeOffset CreatedAt);
