using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using Palisade.Acs.Access;
using Palisade.Acs.SavedSearches;
using Palisade.Acs.Services;

namespace Palisade.Acs.Tests.SavedSearches;

/// <summary>Saved searches: each caller's own, bounded, and only for roles that read devices.</summary>
public sealed class SavedSearchServiceTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 18, 0, 0, TimeSpan.Zero));
    private readonly MemorySavedSearches _store = new();
    private readonly SavedSearchService _service;
    private readonly Caller _ana = new("user:ana", Roles.Operator, null, null);
    private readonly Caller _bo = new("user:bo", Roles.Viewer, null, null);

    public SavedSearchServiceTests() => _service = new SavedSearchService(_store, _time);

    [Fact]
    public async Task A_caller_sees_and_deletes_only_their_own_searches()
    {
        await _service.SaveAsync(_ana, " stale ", "?filter=lastInform+%3C+now-1d", CancellationToken.None);
        await _service.SaveAsync(_bo, "stale", "filter=x", CancellationToken.None);

        var mine = Assert.Single(await _service.ListAsync(_ana, CancellationToken.None));
        Assert.Equal(new SavedSearch("user:ana", "stale", "filter=lastInform+%3C+now-1d", _time.GetUtcNow()), mine);
        var e = await Assert.ThrowsAsync<ServiceException>(() => _service.DeleteAsync(_bo, "missing", CancellationToken.None));
        Assert.Equal(ServiceErrorReason.NotFound, e.Reason);
        await _service.DeleteAsync(_bo, "stale", CancellationToken.None);
        Assert.Single(await _service.ListAsync(_ana, CancellationToken.None));
        Assert.Empty(await _service.ListAsync(_bo, CancellationToken.None));
    }

    [Fact]
    public async Task Names_and_queries_are_bounded_an_owner_keeps_at_most_fifty_and_a_role_without_read_devices_keeps_none()
    {
        foreach (var (name, query, field) in new[] { ("", "filter=x", "name"), (new string('n', 81), "filter=x", "name"), ("tab\tname", "filter=x", "name"), ("long", new string('q', 2049), "query"), ("nl", "filter=x\n", "query") })
        {
            var e = await Assert.ThrowsAsync<ServiceException>(() => _service.SaveAsync(_ana, name, query, CancellationToken.None));
            Assert.Equal((ServiceErrorReason.Invalid, field), (e.Reason, e.Field));
        }

        for (var i = 0; i < SavedSearchService.MaxPerOwner; i++)
        {
            await _service.SaveAsync(_ana, "s" + i, "filter=x", CancellationToken.None);
        }

        var full = await Assert.ThrowsAsync<ServiceException>(() => _service.SaveAsync(_ana, "one more", "filter=x", CancellationToken.None));
        Assert.Equal(ServiceErrorReason.TooMuchWork, full.Reason);
        await _service.SaveAsync(_ana, "s0", "filter=y", CancellationToken.None); // replacing one still fits
        Assert.Equal(SavedSearchService.MaxPerOwner, (await _service.ListAsync(_ana, CancellationToken.None)).Count);

        var monitor = new Caller("key:scraper", Roles.Monitor, null, null);
        var refused = await Assert.ThrowsAsync<ServiceException>(() => _service.SaveAsync(monitor, "m", "filter=x", CancellationToken.None));
        Assert.Equal(ServiceErrorReason.Forbidden, refused.Reason);
    }

    private sealed class MemorySavedSearches : ISavedSearchStore
    {
        private readonly ConcurrentDictionary<(string, string), SavedSearch> _rows = new();

        public Task<IReadOnlyList<SavedSearch>> ListSavedSearchesAsync(string owner, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SavedSearch>>([.. _rows.Values.Where(s => s.Owner == owner).OrderBy(s => s.Name, StringComparer.Ordinal)]);

        public Task<bool> PutSavedSearchAsync(SavedSearch search, CancellationToken cancellationToken)
        {
            var created = !_rows.ContainsKey((search.Owner, search.Name));
            _rows[(search.Owner, search.Name)] = search;
            return Task.FromResult(created);
        }

        public Task<bool> DeleteSavedSearchAsync(string owner, string name, CancellationToken cancellationToken) =>
            Task.FromResult(_rows.TryRemove((owner, name), out _));
    }
}
