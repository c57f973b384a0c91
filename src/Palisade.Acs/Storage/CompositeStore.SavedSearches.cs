using Palisade.Acs.SavedSearches;

namespace Palisade.Acs.Storage;

/// <summary>The saved-search concern of the composite (<see cref="ISavedSearchStore"/>).</summary>
public partial class CompositeStore
{
    private ISavedSearchStore? _savedSearches;

    /// <summary>The saved-search piece, given by the store that composes this one.</summary>
    protected ISavedSearchStore SavedSearches
    {
        get => _savedSearches ?? throw new StoreException(StoreErrorReason.Unavailable, "This store keeps no saved searches.");
        init => _savedSearches = value;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SavedSearch>> ListSavedSearchesAsync(string owner, CancellationToken cancellationToken) => SavedSearches.ListSavedSearchesAsync(owner, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutSavedSearchAsync(SavedSearch search, CancellationToken cancellationToken) => SavedSearches.PutSavedSearchAsync(search, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteSavedSearchAsync(string owner, string name, CancellationToken cancellationToken) => SavedSearches.DeleteSavedSearchAsync(owner, name, cancellationToken);
}
