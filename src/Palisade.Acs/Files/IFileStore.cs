namespace Palisade.Acs.Files;

/// <summary>
/// The file store: metadata by name, content by SHA-256 (stored once however many names share it). SQLite keeps the
/// content in the data folder (<c>files/</c>) and the metadata in the database; PostgreSQL keeps both in the database,
/// so every node serves every file. A write is whole or absent: content that does not hash to the metadata's
/// SHA-256, or is longer or shorter than its size, is refused and nothing is written.
/// </summary>
public interface IFileStore
{
    /// <summary>A file's metadata, or null.</summary>
    Task<StoredFile?> GetFileAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Files by name (those after <paramref name="after"/>, at most <paramref name="limit"/>); with
    /// <paramref name="device"/>, that device's configuration backups, newest first.
    /// </summary>
    Task<IReadOnlyList<StoredFile>> ListFilesAsync(string? device, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The file a device's RequestDownload of <paramref name="fileType"/> is answered with: among the files operators
    /// stored (not configuration backups) of that type whose OUI (without regard to ASCII case), product class and model
    /// name are each unset (any device) or the device's, the one that names the most of the three, then the newest, then
    /// the first by name; null when none. One query on an index by type, however many files are stored.
    /// </summary>
    Task<StoredFile?> FindFileForDeviceAsync(string fileType, string oui, string productClass, string modelName, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="file"/>'s name (replacing what the name held); true
    /// when the name is new. The content must be exactly <see cref="StoredFile.Size"/> bytes hashing to
    /// <see cref="StoredFile.Sha256"/>.
    /// </summary>
    /// <exception cref="Storage.StoreException">Rejected when the content does not match; nothing was written.</exception>
    Task<bool> PutFileAsync(StoredFile file, Stream content, CancellationToken cancellationToken);

    /// <summary>Deletes a file (and its content when no other name holds it); false when there was none.</summary>
    Task<bool> DeleteFileAsync(string name, CancellationToken cancellationToken);

    /// <summary>Sets or clears (null) a file's operator signature; false when there is no such file.</summary>
    Task<bool> SetOperatorSignatureAsync(string name, string? signature, CancellationToken cancellationToken);

    /// <summary>
    /// The content of SHA-256 <paramref name="sha256"/>, readable and seekable (for ranges), or null when the store
    /// holds no such content. The caller disposes it.
    /// </summary>
    Task<Stream?> OpenContentAsync(string sha256, CancellationToken cancellationToken);

    /// <summary>
    /// Queues <paramref name="upload"/> (a configuration backup) for <paramref name="device"/> as the backup that preset
    /// <paramref name="preset"/> schedules for its window opened at <paramref name="window"/>, unless one was queued for
    /// that window or a later one: the mark and the task are one transaction, so however many sessions and nodes see the
    /// window open, it is queued once. Returns the task, or null when the window already had its backup.
    /// </summary>
    /// <exception cref="Storage.StoreException">NotFound when the device is not stored; nothing was written.</exception>
    Task<Storage.DeviceTask?> QueueScheduledBackupAsync(Devices.DeviceId device, string preset, DateTimeOffset window, Storage.NewTask upload, CancellationToken cancellationToken);

    /// <summary>
    /// The window of the last backup that preset <paramref name="preset"/> queued for <paramref name="device"/> (the mark
    /// <see cref="QueueScheduledBackupAsync"/> writes), or null when it never queued one. A read: sessions check it
    /// before they try the write, so a fleet whose backups are done writes nothing while the window stays open.
    /// </summary>
    Task<DateTimeOffset?> ScheduledBackupWindowAsync(Devices.DeviceId device, string preset, CancellationToken cancellationToken);
}
