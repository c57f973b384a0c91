using Palisade.Acs.Provisioning;
using Palisade.Acs.Sessions;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Files;

/// <summary>
/// Presets' <c>backup</c> configurations as configuration backups: the same <c>upload</c> task an operator queues
/// (<c>{"name":"upload","fileType":"3 Vendor Configuration File"}</c>, stored signed as the device's newest backup),
/// queued once per window of the preset's schedule (the store marks the window in the task's transaction; a session reads
/// the mark first, so only the session that queues the backup writes) and run in
/// the same session by the step that runs configuration uploads (<see cref="FileTransferStep"/>).
/// </summary>
public sealed class ScheduledBackups(IFileStore store) : IScheduledBackups
{
    private static readonly UploadTask Backup = new(FileTypes.VendorConfiguration, string.Empty);

    /// <inheritdoc />
    public async Task<string?> StartAsync(CwmpSession session, string preset, DateTimeOffset window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.IsFirstContact)
        {
            // Not stored until this session commits; the window is still open at its next session.
            return null;
        }

        // Read before write: while the window stays open every session of a matched device comes here, and a window
        // that had its backup (the steady state) must cost a read, not a write attempt on the store's write path.
        if (await store.ScheduledBackupWindowAsync(session.Id, preset, cancellationToken).ConfigureAwait(false) is { } marked && marked >= window)
        {
            return null;
        }

        DeviceTask? task;
        try
        {
            task = await store.QueueScheduledBackupAsync(session.Id, preset, window, new NewTask(Backup.Name, TaskJson.Serialize(Backup), session.Now, null), cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Reason is StoreErrorReason.NotFound)
        {
            return "the device is no longer stored.";
        }

        // Queued: it runs now if a step takes it, else at the device's next session like any queued task.
        return task is null || SessionTasks.TryRunNow(session, task, Backup) ? null : "queued for the next session (no session step runs configuration uploads now).";
    }
}
