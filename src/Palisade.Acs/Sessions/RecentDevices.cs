using System.Collections.Concurrent;
using Palisade.Acs.Devices;

namespace Palisade.Acs.Sessions;

/// <summary>
/// The devices this node's sessions committed lately, as they committed them: where nodes share a store, a device's next
/// session here authenticates on this copy instead of reading the store first, and reads the store once, under its
/// lease (<see cref="DeviceLeasing"/>). The copy is only ever a guess: a session whose lease read finds other credentials
/// or another transport than the copy it was admitted on is refused and its copy dropped (the device tries again and is
/// decided on the store's), and a device the copy does not admit is read from the store and decided again. Bounded: at
/// <see cref="Capacity"/> devices the copies are dropped all at once and gathered again.
/// </summary>
internal sealed class RecentDevices
{
    /// <summary>Most devices remembered (about a kilobyte each).</summary>
    public const int Capacity = 50_000;

    private readonly ConcurrentDictionary<string, Device> _devices = new(StringComparer.Ordinal);

    /// <summary>Devices remembered now.</summary>
    public int Count => _devices.Count;

    /// <summary>This node's copy of the device, or null.</summary>
    public Device? Find(DeviceId id) => _devices.TryGetValue(id.ToString(), out var device) ? device : null;

    /// <summary>Remembers the device as a session here committed it.</summary>
    public void Remember(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (_devices.Count >= Capacity)
        {
            _devices.Clear();
        }

        _devices[device.Id.ToString()] = device;
    }

    /// <summary>Drops the copy: it was found out of date, or the device is gone.</summary>
    public void Forget(DeviceId id) => _devices.TryRemove(id.ToString(), out _);

    /// <summary>
    /// Whether a session admitted on <paramref name="admitted"/> was decided on what the store holds now
    /// (<paramref name="stored"/>, read under the lease): the same existence, credentials and transport, which are all that
    /// authentication, the transport policy and enrollment read before the lease.
    /// </summary>
    public static bool SameAdmission(Device? admitted, Device? stored) =>
        admitted is null ? stored is null : stored is not null && admitted.Credentials.Equals(stored.Credentials) && admitted.Transport == stored.Transport;
}
