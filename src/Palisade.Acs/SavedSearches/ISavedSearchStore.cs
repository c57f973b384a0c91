namespace Palisade.Acs.SavedSearches;

/// <summary>Saved device searches, kept per owner (SQLite and PostgreSQL; tests/Palisade.Storage.Contract).</summary>
public interface ISavedSearchStore
{
    /// <summary>The owner's saved searches, by name.</summary>
    Task<IReadOnlyList<SavedSearch>> ListSavedSearchesAsync(string owner, CancellationToken cancellationToken);

    /// <summary>Saves a search (replacing the owner's search of the same name); true when it is new.</summary>
    Task<bool> PutSavedSearchAsync(SavedSearch search, CancellationToken cancellationToken);

    /// <summary>Deletes one of the owner's searches; false when the owner has none of that name.</summary>
    Task<bool> DeleteSavedSearchAsync(string owner, string name, CancellationToken cancellationToken);
}
