using Palisade.Acs.Services;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Files;

/// <summary>Fills a download task that names a stored file (GenieACS's shape) from the file store.</summary>
public static class StoredDownloads
{
    /// <summary>
    /// The task with the stored file's size, SHA-256 and target name (the file's name unless the task gives one); its
    /// type must be the file's. The URL stays empty: it is made per device when the task runs.
    /// </summary>
    /// <exception cref="ServiceException">No file store, no such file, or another type.</exception>
    public static async Task<DownloadTask> ResolveAsync(IFileStore? store, DownloadTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (store is null || task.FileName is null)
        {
            throw ServiceException.Invalid("url", "A download needs a url, or the fileName of a file in this server's file store.");
        }

        var file = await store.GetFileAsync(task.FileName, cancellationToken).ConfigureAwait(false)
            ?? throw ServiceException.Invalid("fileName", $"No file named '{Clip(task.FileName)}' is stored (palisade files list).");
        return For(file, task);
    }

    /// <summary>
    /// The task filled from <paramref name="file"/>, already read (no second read): its size, SHA-256 and target name;
    /// its type must be the file's.
    /// </summary>
    /// <exception cref="ServiceException">Another type, or too large for a Download.</exception>
    public static DownloadTask For(StoredFile file, DownloadTask task)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(task);
        if (file.FileType != task.FileType)
        {
            throw ServiceException.Invalid("fileType", $"File '{file.Name}' is stored as '{file.FileType}', not '{Clip(task.FileType)}'.");
        }

        if (file.Size > uint.MaxValue)
        {
            throw ServiceException.Invalid("fileName", "The file is larger than a Download's FileSize can say (4 GiB).");
        }

        return task with
        {
            FileSize = (uint)file.Size,
            TargetFileName = task.TargetFileName.Length > 0 ? task.TargetFileName : file.Name,
            Sha256 = file.Sha256,
        };
    }

    /// <summary>
    /// The download a <c>restore</c> sends to <paramref name="device"/>: the named backup, or the newest backup of the
    /// task's <c>from</c> device (or of <paramref name="device"/> itself). <paramref name="mayRead"/> says whether the
    /// caller may touch a device's backups; it is asked before anything about another device is read or told, and a
    /// backup or device outside it is answered exactly as one that does not exist (a scoped key learns nothing of the
    /// rest of the fleet). The backup is read once.
    /// </summary>
    /// <exception cref="ServiceException">No file store, no such backup (or not the caller's), or the device has none.</exception>
    public static async Task<DownloadTask> RestoreAsync(IFileStore? store, RestoreTask restore, string device, Func<string, CancellationToken, Task<bool>> mayRead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(restore);
        ArgumentNullException.ThrowIfNull(mayRead);
        if (store is null)
        {
            throw ServiceException.Invalid("name", "This server has no file store, so it keeps no configuration backups to restore.");
        }

        StoredFile? backup;
        if (restore.Backup is { } name)
        {
            // The backup's device is known only from the backup: read it, then ask, and answer "none" either way.
            backup = await store.GetFileAsync(name, cancellationToken).ConfigureAwait(false);
            if (backup?.Device is null || (backup.Device != device && !await mayRead(backup.Device, cancellationToken).ConfigureAwait(false)))
            {
                throw ServiceException.Invalid("backup", $"No configuration backup is named '{Clip(name)}' (GET /api/v1/devices/{{id}}/backups lists them).");
            }
        }
        else
        {
            var source = restore.From ?? device;
            var none = ServiceException.Invalid(restore.From is null ? "name" : "from", $"Device '{Clip(source)}' has no configuration backup; take one with {{\"name\":\"upload\",\"fileType\":\"{FileTypes.VendorConfiguration}\"}}.");
            if (source != device && !await mayRead(source, cancellationToken).ConfigureAwait(false))
            {
                throw none;
            }

            backup = (await store.ListFilesAsync(source, null, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault() ?? throw none;
        }

        return For(backup, new DownloadTask(backup.FileType, string.Empty, 0, string.Empty, backup.Name));
    }

    private static string Clip(string text) => Palisade.Cwmp.ClientText.Clip(text);
}
