using Palisade.Acs.Devices;

namespace Palisade.Acs.Storage;

/// <summary>One task in a device's queue, with its outcome once it has one.</summary>
/// <param name="Id">The task's id, unique in the store.</param>
/// <param name="DeviceId">The device it is for.</param>
/// <param name="Name">The task's name, e.g. <c>getParameterValues</c>.</param>
/// <param name="Payload">The task definition as JSON (see <c>Tasks.TaskJson</c>).</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="ExpiresAt">After this it is not run, or null for never.</param>
/// <param name="Attempts">How many sessions have tried it.</param>
/// <param name="UpdatedAt">When its status last changed.</param>
/// <param name="Result">Its result as JSON once done, or null.</param>
/// <param name="Fault">The fault it ended with, or null.</param>
public sealed record DeviceTask(
    long Id,
    DeviceId DeviceId,
    string Name,
    string Payload,
    DeviceTaskStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    int Attempts,
    DateTimeOffset? UpdatedAt,
    string? Result,
    TaskFault? Fault);
