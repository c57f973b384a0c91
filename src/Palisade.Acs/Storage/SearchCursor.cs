using System.Globalization;

namespace Palisade.Acs.Storage;

/// <summary>
/// Where a page of a device search ended, as text: the sort, the last device's sort key and its id
/// (<c>sort:key:id</c>; the key is empty when the sort is by id or the device has none). Stores write it into
/// <see cref="DeviceSearchResult.Next"/> and read it back from <see cref="DeviceSearch.After"/>; a client hands it
/// back as it got it, so it is read as hostile input.
/// </summary>
public static class SearchCursor
{
    /// <summary>The text for the page that ended at a device with sort key <paramref name="key"/> and id <paramref name="id"/>.</summary>
    public static string Format(string sort, long? key, string id) =>
        string.Create(CultureInfo.InvariantCulture, $"{sort}:{key}:{id}");

    /// <summary>Reads a cursor for a search sorted by <paramref name="sort"/>; throws <see cref="ArgumentException"/> for anything else.</summary>
    public static (long? Value, string Id) Parse(string text, string sort)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sort);
        var first = text.IndexOf(':', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf(':', first + 1);
        if (second < 0 || !text.AsSpan(0, first).SequenceEqual(sort) || second + 1 == text.Length)
        {
            throw Invalid();
        }

        var key = text.AsSpan(first + 1, second - first - 1);
        long? value = null;
        if (!key.IsEmpty)
        {
            value = sort != "id" && long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw Invalid();
        }

        return (value, text[(second + 1)..]);
    }

    private static ArgumentException Invalid() =>
        new("The cursor is not one that this search (with this order) returned; start again without one.");
}
