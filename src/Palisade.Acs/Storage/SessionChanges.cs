using Palisade.Acs.Devices;

namespace Palisade.Acs.Storage;

/// <summary>
/// Everything one CWMP session changed, committed in one transaction by
/// <see cref="ISessionStore.CommitSessionAsync"/>: after a crash the store holds all of it or none.
/// Tasks not mentioned here stay as they were, so a session that dies leaves its tasks queued.
/// </summary>
public sealed class SessionChanges(Device device)
{
    /// <summary>The device's new record (inserted on first contact, replaced otherwise).</summary>
    public Device Device { get; set; } = device ?? throw new ArgumentNullException(nameof(device));

    /// <summary>
    /// The device as the store held it when the session began; null when the device is first seen in this session.
    /// With it, the commit leaves what others wrote meanwhile: credentials an operator reset (readmit) stay reset
    /// unless the session itself changed them, and a device deleted meanwhile is not stored again. Without it the
    /// record is inserted, or replaced whole.
    /// </summary>
    public Device? Known { get; set; }

    /// <summary>Subtrees to drop before <see cref="Parameters"/> are written (a GetParameterNames refresh replaces what was under its path).</summary>
    public List<string> RemovedSubtrees { get; } = [];

    /// <summary>Parameters learned; fields that are null keep what the store had.</summary>
    public List<CachedParameter> Parameters { get; } = [];

    /// <summary>
    /// Subtrees the CPE listed in full (a GetParameterNames with NextLevel false): cached parameters under each prefix
    /// that the listing no longer names are gone from the device and are removed (a firmware upgrade drops some).
    /// </summary>
    public List<SubtreeListing> ListedSubtrees { get; } = [];

    /// <summary>Task outcomes.</summary>
    public List<TaskUpdate> Tasks { get; } = [];

    /// <summary>Events for the device's history (the store keeps the latest <see cref="DeviceEvent.MaxPerDevice"/>).</summary>
    public List<DeviceEvent> Events { get; } = [];

    /// <summary>Tags to add (<see cref="TagChange.Present"/>) or remove, in order (provisioning's <c>Tags.*</c>).</summary>
    public List<TagChange> Tags { get; } = [];

    /// <summary>Tasks to add to the device's queue (e.g. the credential rotation after enrollment).</summary>
    public List<NewTask> NewTasks { get; } = [];

    /// <summary>
    /// The holder of the device's lease across nodes that this commit gives back (<see cref="Sessions.ISessionLeases"/>),
    /// or null. A store without leases ignores it.
    /// </summary>
    public string? LeaseHolder { get; set; }

    /// <summary>True when nothing but the device record changed.</summary>
    public bool IsDeviceOnly => RemovedSubtrees.Count == 0 && ListedSubtrees.Count == 0 && Parameters.Count == 0 && Tasks.Count == 0 && NewTasks.Count == 0 && Events.Count == 0 && Tags.Count == 0;
}

/// <summary>A tag a session adds to its device (<paramref name="Present"/>) or removes.</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Present">True to add, false to remove.</param>
public sealed record TagChange(string Tag, bool Present);

/// <summary>Everything a CPE reported under <paramref name="Prefix"/> ("" for the whole tree).</summary>
/// <param name="Prefix">A partial path ending with '.', or empty.</param>
/// <param name="Names">Every name the CPE returned under it.</param>
public sealed record SubtreeListing(string Prefix, IReadOnlySet<string> Names);
