namespace Palisade.Acs.Storage;

/// <summary>A task to queue.</summary>
/// <param name="Name">The task's name.</param>
/// <param name="Payload">Its definition as JSON.</param>
/// <param name="CreatedAt">When it is queued.</param>
/// <param name="ExpiresAt">When it expires, or null.</param>
public sealed record NewTask(string Name, string Payload, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);
