using Palisade.Acs.Access;
using Palisade.Acs.Devices;
using Palisade.Acs.Query;

namespace Palisade.Acs.Storage;

/// <summary>
/// A whole store made of one object per concern: each call goes to the piece that owns it, and disposing it disposes
/// <paramref name="owner"/> (what holds the connection the pieces share). A store implements the pieces and composes
/// them here, so none of them has to know the others.
/// </summary>
public partial class CompositeStore(ISessionStore sessions, ITaskStore tasks, IDeviceRegistry devices, IAccessStore access, IAuditLog audit, IProvisioningStore provisioning, IAsyncDisposable owner) : IPalisadeStore
{
    private readonly IProvisioningStore _provisioning = provisioning;

    /// <inheritdoc />
    public Task<Device?> GetDeviceAsync(DeviceId id, CancellationToken cancellationToken) => devices.GetDeviceAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<DeviceTask?> GetTaskAsync(long taskId, CancellationToken cancellationToken) => tasks.GetTaskAsync(taskId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceTask>> TakeQueuedTasksAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken) => sessions.TakeQueuedTasksAsync(id, now, cancellationToken);

    /// <inheritdoc />
    public Task<bool> IsBlockedAsync(DeviceId id, CancellationToken cancellationToken) => sessions.IsBlockedAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task CommitSessionAsync(SessionChanges changes, CancellationToken cancellationToken) => sessions.CommitSessionAsync(changes, cancellationToken);

    /// <inheritdoc />
    public Task<DeviceTask> AddTaskAsync(DeviceId id, NewTask task, CancellationToken cancellationToken) => tasks.AddTaskAsync(id, task, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceTask>> ListTasksAsync(DeviceId id, int limit, CancellationToken cancellationToken) => tasks.ListTasksAsync(id, limit, cancellationToken);

    /// <inheritdoc />
    public Task<bool> CancelTaskAsync(long taskId, DateTimeOffset now, CancellationToken cancellationToken) => tasks.CancelTaskAsync(taskId, now, cancellationToken);

    /// <inheritdoc />
    public Task<DeviceTask?> RetryTaskAsync(long taskId, DateTimeOffset now, DateTimeOffset? expiresAt, CancellationToken cancellationToken) => tasks.RetryTaskAsync(taskId, now, expiresAt, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceTask>> ListFaultsAsync(DeviceId? id, Filter? filter, int limit, CancellationToken cancellationToken) => tasks.ListFaultsAsync(id, filter, limit, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ClearFaultAsync(long taskId, CancellationToken cancellationToken) => tasks.ClearFaultAsync(taskId, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteFinishedTasksAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken) => tasks.DeleteFinishedTasksAsync(finishedBefore, limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CachedParameter>> GetParametersAsync(DeviceId id, string? prefix, CancellationToken cancellationToken) => devices.GetParametersAsync(id, prefix, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceEvent>> ListEventsAsync(DeviceId id, int limit, CancellationToken cancellationToken) => devices.ListEventsAsync(id, limit, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<DeviceId, IReadOnlyList<CachedParameter>>> GetParametersAsync(IReadOnlyList<DeviceId> ids, IReadOnlyList<string> prefixes, CancellationToken cancellationToken) => devices.GetParametersAsync(ids, prefixes, cancellationToken);

    /// <inheritdoc />
    public Task<long> CountDevicesAsync(CancellationToken cancellationToken) => devices.CountDevicesAsync(cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteDeviceAsync(DeviceId id, CancellationToken cancellationToken) => devices.DeleteDeviceAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ResetCredentialsAsync(DeviceId id, CancellationToken cancellationToken) => devices.ResetCredentialsAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<bool> BlockDeviceAsync(DeviceId id, DateTimeOffset now, CancellationToken cancellationToken) => devices.BlockDeviceAsync(id, now, cancellationToken);

    /// <inheritdoc />
    public Task<bool> UnblockDeviceAsync(DeviceId id, CancellationToken cancellationToken) => devices.UnblockDeviceAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<DeviceSearchResult> SearchDevicesAsync(DeviceSearch search, CancellationToken cancellationToken) => devices.SearchDevicesAsync(search, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceId>> MatchDeviceIdsAsync(Filter? filter, int limit, CancellationToken cancellationToken) => devices.MatchDeviceIdsAsync(filter, limit, cancellationToken);

    /// <inheritdoc />
    public Task<bool> MatchesAsync(DeviceId id, Filter filter, CancellationToken cancellationToken) => devices.MatchesAsync(id, filter, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetTagsAsync(DeviceId id, CancellationToken cancellationToken) => devices.GetTagsAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetTagAsync(DeviceId id, string tag, bool present, CancellationToken cancellationToken) => devices.SetTagAsync(id, tag, present, cancellationToken);

    /// <inheritdoc />
    public Task ImportDevicesAsync(IReadOnlyList<ImportedDevice> imported, CancellationToken cancellationToken) => devices.ImportDevicesAsync(imported, cancellationToken);

    /// <inheritdoc />
    public Task<bool> AnyUserAsync(CancellationToken cancellationToken) => access.AnyUserAsync(cancellationToken);

    /// <inheritdoc />
    public Task CreateUserAsync(UserRecord user, CancellationToken cancellationToken) => access.CreateUserAsync(user, cancellationToken);

    /// <inheritdoc />
    public Task<UserRecord?> GetUserAsync(string name, CancellationToken cancellationToken) => access.GetUserAsync(name, cancellationToken);

    /// <inheritdoc />
    public Task RecordLoginAsync(string name, bool success, DateTimeOffset? lockedUntil, CancellationToken cancellationToken) => access.RecordLoginAsync(name, success, lockedUntil, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken) => access.ListUsersAsync(cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetPasswordAsync(string name, string passwordHash, CancellationToken cancellationToken) => access.SetPasswordAsync(name, passwordHash, cancellationToken);

    /// <inheritdoc />
    public Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken) => access.CreateKeyAsync(key, cancellationToken);

    /// <inheritdoc />
    public Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken) => access.GetKeyAsync(id, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(CancellationToken cancellationToken) => access.ListKeysAsync(cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeKeyAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => access.RevokeKeyAsync(id, now, cancellationToken);

    /// <inheritdoc />
    public Task<AuditEntry> AppendAsync(AuditRecord record, CancellationToken cancellationToken) => audit.AppendAsync(record, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(long? beforeSeq, int limit, CancellationToken cancellationToken) => audit.ListAuditAsync(beforeSeq, limit, cancellationToken);

    /// <inheritdoc />
    public Task<AuditVerification> VerifyAuditAsync(CancellationToken cancellationToken, AuditCheckpoint? checkpoint = null) => audit.VerifyAuditAsync(cancellationToken, checkpoint);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return owner.DisposeAsync();
    }
}
