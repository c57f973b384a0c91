using Palisade.Acs.Sessions;

namespace Palisade.Acs.Provisioning;

/// <summary>How a preset's <c>backup</c> configuration reaches the device: the file server's configuration backups (Files/).</summary>
public interface IScheduledBackups
{
    /// <summary>
    /// Queues in <paramref name="session"/> a configuration backup of the device for preset <paramref name="preset"/>'s
    /// window that opened at <paramref name="window"/>, unless that window had its backup already; null when queued or
    /// already done, or why it cannot be.
    /// </summary>
    Task<string?> StartAsync(CwmpSession session, string preset, DateTimeOffset window, CancellationToken cancellationToken);
}
