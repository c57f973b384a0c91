using System.Collections.Concurrent;
using System.Net;
using Palisade.Acs.Devices;

namespace Palisade.Acs.Stun;

/// <summary>
/// Where each device's STUN binding requests came from last (TR-069 Annex G): the public address and port of its
/// UDP connection-request listener as the NAT maps it. Kept in memory; only devices whose binding request
/// authenticated are recorded, so the table is bounded by the fleet.
/// </summary>
public sealed class StunBindings
{
    private readonly ConcurrentDictionary<DeviceId, Binding> _bindings = new();

    /// <summary>How many devices have a binding.</summary>
    public int Count => _bindings.Count;

    /// <summary>Records <paramref name="address"/> for <paramref name="device"/>.</summary>
    public void Record(DeviceId device, IPEndPoint address, DateTimeOffset at, bool changed) =>
        _bindings[device] = new Binding(address, at, changed);

    /// <summary>
    /// The STUN server's own socket while it runs (null otherwise). A UDP connection request to a STUN-learned address
    /// goes out from it: a NAT with address- and port-dependent filtering (Linux's conntrack, most carrier-grade NATs)
    /// lets back in only datagrams from the address and port the binding request went to.
    /// </summary>
    internal Func<ReadOnlyMemory<byte>, IPEndPoint, CancellationToken, ValueTask>? Sender { get; set; }

    /// <summary>The device's binding, or null.</summary>
    public Binding? Find(DeviceId device) => _bindings.TryGetValue(device, out var b) ? b : null;

    /// <summary>One device's binding.</summary>
    /// <param name="Address">The public address and port.</param>
    /// <param name="At">When it was last confirmed.</param>
    /// <param name="Changed">The device said its binding changed (BINDING-CHANGE).</param>
    public sealed record Binding(IPEndPoint Address, DateTimeOffset At, bool Changed);
}
