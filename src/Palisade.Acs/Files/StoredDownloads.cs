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

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
