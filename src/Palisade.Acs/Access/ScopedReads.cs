using Palisade.Acs.Devices;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Access;

/// <summary>Reads that respect a caller's device scope: outside it, a device or task does not exist.</summary>
internal static class ScopedReads
{
    public static async Task<Device> DeviceAsync(IDeviceRegistry store, Caller caller, string id, CancellationToken cancellationToken)
    {
        if (!DeviceId.TryParse(id, out var deviceId))
        {
            throw ServiceException.NotFound("device");
        }

        var device = await store.GetDeviceAsync(deviceId, cancellationToken).ConfigureAwait(false);
        if (device is null || (caller.DeviceScope is { } scope && !await store.MatchesAsync(deviceId, scope, cancellationToken).ConfigureAwait(false)))
        {
            throw ServiceException.NotFound("device");
        }

        return device;
    }

    /// <summary>True when <paramref name="id"/> is a stored device within the caller's scope (any id, for an unscoped caller).</summary>
    public static async Task<bool> InScopeAsync(IDeviceRegistry store, Caller caller, string id, CancellationToken cancellationToken)
    {
        if (caller.DeviceScope is not { } scope)
        {
            return true;
        }

        return DeviceId.TryParse(id, out var deviceId)
            && await store.GetDeviceAsync(deviceId, cancellationToken).ConfigureAwait(false) is not null
            && await store.MatchesAsync(deviceId, scope, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<DeviceTask?> TaskAsync(ITaskLookup tasks, IDeviceRegistry devices, Caller caller, long taskId, CancellationToken cancellationToken)
    {
        var task = await tasks.GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false);
        return task is null || (caller.DeviceScope is { } scope && !await devices.MatchesAsync(task.DeviceId, scope, cancellationToken).ConfigureAwait(false)) ? null : task;
    }
}
