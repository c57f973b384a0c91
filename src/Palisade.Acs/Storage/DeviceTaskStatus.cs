namespace Palisade.Acs.Storage;

/// <summary>Where a task is in its life. Stored as its number: do not renumber.</summary>
public enum DeviceTaskStatus
{
    /// <summary>Waiting for the device's next session.</summary>
    Queued = 0,

    /// <summary>Done: the device answered the RPC.</summary>
    Done = 1,

    /// <summary>The device answered with a CWMP fault; the fault is kept with the task.</summary>
    Faulted = 2,

    /// <summary>Cancelled by an operator before it ran.</summary>
    Cancelled = 3,

    /// <summary>Its expiry passed before it ran.</summary>
    Expired = 4,
}
