using Palisade.Acs.Provisioning;
using Palisade.Acs.Services;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Files;

/// <summary>
/// Provisioning's downloads as stored-file download tasks: resolved from the file store as an operator's are
/// (<see cref="StoredDownloads"/>), stored as a task of the device, and run in the same session by the step that runs
/// stored-file downloads (<see cref="FileTransferStep"/>), which hands the device its own short-lived URL. A download the
/// device already has queued or under way (the same file, content, type and target) is not added again.
/// </summary>
public sealed class ProvisionedDownloads(IFileStore files, ITaskStore tasks) : IProvisionedDownloads
{
    /// <summary>How many of the device's newest tasks are looked through for the same download before one is added.</summary>
    public const int MaxLooked = 1000;

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
            if (!session.Changes.NewTasks.Any(t => t.Name == queued.Name && t.Payload == queued.Payload))
            {
                session.Changes.NewTasks.Add(queued);
            }

            return null;
        }

        // The task is stored now (the device's URL names it), the Downloads.* record only with the session's commit: a
        // session that died in between left the task queued (or running) and no record, so its next session asks again.
        if (await HasSameAsync(session, download, cancellationToken).ConfigureAwait(false))
        {
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

    // Whether the device already has this very download (same file and content, type and target) queued, or sent and
    // not yet completed (done, "pending" until its TransferComplete). Such a task is recent: the newest tasks are read.
    private async Task<bool> HasSameAsync(CwmpSession session, DownloadTask download, CancellationToken cancellationToken)
    {
        var recent = await tasks.ListTasksAsync(session.Id, MaxLooked, cancellationToken).ConfigureAwait(false);
        return recent.Any(t => t.Name == download.Name
            && (t.Status == DeviceTaskStatus.Queued || (t.Status == DeviceTaskStatus.Done && TaskResultState.Is(t.Result, TaskResultState.Pending)))
            && ResponseApplier.Definition(t).Definition is DownloadTask same && same == download);
    }
}
