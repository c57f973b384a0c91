using Palisade.Acs.Sessions;

namespace Palisade.Acs.Provisioning;

/// <summary>How provisioning's <c>Downloads.*</c> reach the device: the file server's stored-file downloads (Files/).</summary>
public interface IProvisionedDownloads
{
    /// <summary>
    /// Queues in <paramref name="session"/> a Download of the stored file <paramref name="fileName"/>, as a download task
    /// of the device (so that its TransferComplete closes it, and its fault shows); null when queued, or why it cannot be.
    /// </summary>
    Task<string?> StartAsync(CwmpSession session, string fileType, string fileName, string targetFileName, CancellationToken cancellationToken);
}
