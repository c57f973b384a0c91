using Palisade.Acs.Devices;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Storage.Postgres;

namespace Palisade.Server.Tests;

/// <summary>
/// A node's PostgreSQL store whose next lease take waits until the test lets it go: the test can then run a whole
/// session of the same device on the other node between this node's first read and its lease, as a busy node may.
/// It also counts the reads of a device by id, which a session makes before its lease.
/// </summary>
internal sealed class GatedLeaseStore : CompositeStore, IDeviceLookup, ISessionLeases, ISharedNodeState, ITaskOutcomeFeed
{
    private readonly PostgresStore _inner;
    private TaskCompletionSource? _reached;
    private int _deviceReads;
    private TaskCompletionSource? _release;

    public GatedLeaseStore(PostgresStore inner)
        : base(inner, inner, inner, inner, inner, inner, inner)
    {
        _inner = inner;
        Files = inner;
        Campaigns = inner;
    }

    /// <inheritdoc />
    public event Action<IReadOnlyList<long>>? TasksFinished
    {
        add => _inner.TasksFinished += value;
        remove => _inner.TasksFinished -= value;
    }

    /// <summary>Reads of a device by id so far.</summary>
    public int DeviceReads => Volatile.Read(ref _deviceReads);

    /// <inheritdoc />
    public new Task<Device?> GetDeviceAsync(DeviceId id, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _deviceReads);
        return _inner.GetDeviceAsync(id, cancellationToken);
    }

    /// <summary>Makes the next lease take wait for <see cref="Release"/>; completes when a take is waiting.</summary>
    public Task HoldNextLease()
    {
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _reached.Task;
    }

    /// <summary>Lets the held lease take go on.</summary>
    public void Release() => _release?.TrySetResult();

    /// <inheritdoc />
    public async Task<LeaseGrant> TryAcquireAsync(DeviceId device, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reached, null) is { } reached)
        {
            reached.TrySetResult();
            await _release!.Task.WaitAsync(cancellationToken);
        }

        return await _inner.TryAcquireAsync(device, holder, now, until, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewAsync(DeviceId device, string holder, DateTimeOffset until, CancellationToken cancellationToken) =>
        _inner.RenewAsync(device, holder, until, cancellationToken);

    /// <inheritdoc />
    public Task ReleaseAsync(DeviceId device, string holder, CancellationToken cancellationToken) => _inner.ReleaseAsync(device, holder, cancellationToken);

    /// <inheritdoc />
    public byte[] DeriveKey(string purpose) => _inner.DeriveKey(purpose);

    /// <inheritdoc />
    public Task RecordProbeArrivalAsync(long taskId, DateTimeOffset at, CancellationToken cancellationToken) => _inner.RecordProbeArrivalAsync(taskId, at, cancellationToken);

    /// <inheritdoc />
    public Task<DateTimeOffset?> TakeProbeArrivalAsync(long taskId, CancellationToken cancellationToken) => _inner.TakeProbeArrivalAsync(taskId, cancellationToken);
}
