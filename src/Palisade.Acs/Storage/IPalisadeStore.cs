using Palisade.Acs.Access;

namespace Palisade.Acs.Storage;

/// <summary>
/// A whole store, as the composition root opens it and hands it around: every concern in one object that owns the
/// connection. Consumers take the narrow interface they use (<see cref="ISessionStore"/>, <see cref="ITaskStore"/>,
/// <see cref="IDeviceRegistry"/>, <see cref="IAccessStore"/>, <see cref="IAuditLog"/>, <see cref="IProvisioningStore"/>, <see cref="Files.IFileStore"/>, <see cref="SavedSearches.ISavedSearchStore"/>), never this one.
/// Implementations: embedded SQLite (default) and, later, PostgreSQL; both pass the same contract suite
/// (tests/Palisade.Storage.Contract).
/// </summary>
public interface IPalisadeStore : ISessionStore, ITaskStore, IDeviceRegistry, IAccessStore, IAuditLog, IProvisioningStore, Files.IFileStore,
    SavedSearches.ISavedSearchStore, Campaigns.ICampaignStore, IAsyncDisposable
{
}
