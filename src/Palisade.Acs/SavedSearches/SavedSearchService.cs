using Palisade.Acs.Access;
using Palisade.Acs.Services;

namespace Palisade.Acs.SavedSearches;

/// <summary>
/// Saved device searches for the console's device list: each caller sees, saves and deletes only their own; names and
/// queries are bounded, and an owner keeps at most <see cref="MaxPerOwner"/>. Reading devices is what they are for, so
/// they need read-devices.
/// </summary>
public sealed class SavedSearchService(ISavedSearchStore store, TimeProvider time)
{
    /// <summary>The most searches one owner keeps.</summary>
    public const int MaxPerOwner = 50;

    /// <summary>The longest name.</summary>
    public const int MaxNameLength = 80;

    /// <summary>The longest query string.</summary>
    public const int MaxQueryLength = 2048;

    /// <summary>The caller's saved searches, by name.</summary>
    public async Task<IReadOnlyList<SavedSearch>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        Demand(caller);
        return await store.ListSavedSearchesAsync(caller.Actor, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Saves the query under a name (replacing the caller's own search of that name).</summary>
    public async Task<SavedSearch> SaveAsync(Caller caller, string? name, string? query, CancellationToken cancellationToken)
    {
        Demand(caller);
        name = name?.Trim();
        if (name is not { Length: > 0 and <= MaxNameLength } || name.Any(char.IsControl))
        {
            throw ServiceException.Invalid("name", $"A saved search's name is 1–{MaxNameLength} characters, without control characters.");
        }

        query = (query ?? string.Empty).TrimStart('?');
        if (query.Length > MaxQueryLength || query.Any(char.IsControl))
        {
            throw ServiceException.Invalid("query", $"A saved search is at most {MaxQueryLength} characters of query string, without control characters.");
        }

        var existing = await store.ListSavedSearchesAsync(caller.Actor, cancellationToken).ConfigureAwait(false);
        if (existing.Count >= MaxPerOwner && !existing.Any(s => s.Name == name))
        {
            throw ServiceException.TooMuchWork($"You keep at most {MaxPerOwner} saved searches; delete one first.");
        }

        var search = new SavedSearch(caller.Actor, name, query, time.GetUtcNow());
        await store.PutSavedSearchAsync(search, cancellationToken).ConfigureAwait(false);
        return search;
    }

    /// <summary>Deletes one of the caller's saved searches.</summary>
    public async Task DeleteAsync(Caller caller, string? name, CancellationToken cancellationToken)
    {
        Demand(caller);
        if (name is null || !await store.DeleteSavedSearchAsync(caller.Actor, name, cancellationToken).ConfigureAwait(false))
        {
            throw ServiceException.NotFound("saved search");
        }
    }

    private static void Demand(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(Permission.ReadDevices);
    }
}
