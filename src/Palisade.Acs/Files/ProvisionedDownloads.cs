using Palisade.Acs.Provisioning;
using Palisade.Acs.Services;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Files;

/// <summary>
/// Provisioning's downloads as stored-file download tasks: resolved from the file store as an operator's are
/// (<see cref="StoredDownloads"/>), stored as a task of the device, and run in the same session by the step that runs
/// stored-file downloads (<see cref="FileTransferStep"/>), which hands the device its own short-lived URL.
/// </summary>
public sealed class ProvisionedDownloads(IFileStore files, ITaskStore tasks) : IProvisionedDownloads
{
    /// <inheritdoc />
    public async Task<string?> StartAsync(CwmpSession session, string fileType, string fileName, string targetFileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        DownloadTask download;
        try
        {
            download = await StoredDownloads.ResolveAsync(files, new DownloadTask(fileType, string.Empty, 0, targetFileName, fileName), cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceException e)
        {
            return e.Message;
        }

        var queued = new NewTask(download.Name, TaskJson.Serialize(download), session.Now, null);
        if (session.IsFirstContact)
        {
            // The device is stored by this session's commit: its download task is stored with it and runs in its next session.
            session.Changes.NewTasks.Add(queued);
            return null;
        }

        DeviceTask task;
        try
        {
            task = await tasks.AddTaskAsync(session.Id, queued, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Reason is StoreErrorReason.NotFound)
        {
            return "the device is no longer stored.";
        }

        if (SessionTasks.TryRunNow(session, task, download))
        {
            return null;
        }

        await tasks.CancelTaskAsync(task.Id, session.Now, cancellationToken).ConfigureAwait(false);
        return "no session step runs stored-file downloads (the file server is off).";
    }
}
