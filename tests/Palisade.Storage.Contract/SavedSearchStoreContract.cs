using Palisade.Acs.SavedSearches;

namespace Palisade.Storage.Contract;

/// <summary>What every store does with saved searches (ISavedSearchStore): kept per owner, by name, and kept across a reopen.</summary>
/// <typeparam name="TFactory">Opens the store under test.</typeparam>
public abstract class SavedSearchStoreContract<TFactory> : StoreContract<TFactory>
    where TFactory : IStoreFactory, new()
{
    [Fact]
    public async Task Searches_are_kept_per_owner_by_name_replaced_by_name_and_deleted_only_by_their_owner()
    {
        Assert.True(await Store.PutSavedSearchAsync(new SavedSearch("user:ana", "stale", "filter=lastInform+%3C+NOW-1d", T0), default));
        Assert.True(await Store.PutSavedSearchAsync(new SavedSearch("user:ana", "beta", "filter=tag+%3D+%22beta%22", T0), default));
        Assert.True(await Store.PutSavedSearchAsync(new SavedSearch("user:bo", "beta", "filter=x", T0), default));

        // Saving under a name the owner already uses replaces it.
        Assert.False(await Store.PutSavedSearchAsync(new SavedSearch("user:ana", "beta", "filter=tag+%3D+%22beta%22&size=100", Now), default));
        Assert.Equal(
            [new SavedSearch("user:ana", "beta", "filter=tag+%3D+%22beta%22&size=100", Now), new SavedSearch("user:ana", "stale", "filter=lastInform+%3C+NOW-1d", T0)],
            await Store.ListSavedSearchesAsync("user:ana", default));
        Assert.Equal([new SavedSearch("user:bo", "beta", "filter=x", T0)], await Store.ListSavedSearchesAsync("user:bo", default));
        Assert.Empty(await Store.ListSavedSearchesAsync("user:nobody", default));

        // One owner's delete never touches another's search of the same name.
        Assert.True(await Store.DeleteSavedSearchAsync("user:bo", "beta", default));
        Assert.False(await Store.DeleteSavedSearchAsync("user:bo", "beta", default));
        Store = await ReopenAsync(Store);
        Assert.Equal(["beta", "stale"], (await Store.ListSavedSearchesAsync("user:ana", default)).Select(s => s.Name));
        Assert.Empty(await Store.ListSavedSearchesAsync("user:bo", default));
    }
}
