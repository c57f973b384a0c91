using Palisade.Acs.Files;

namespace Palisade.Acs.Storage;

/// <summary>The file-store concern of the composite (<see cref="IFileStore"/>).</summary>
public partial class CompositeStore
{
    private IFileStore? _files;

    /// <summary>The file store piece, given by the store that composes this one.</summary>
    protected IFileStore Files
    {
        get => _files ?? throw new StoreException(StoreErrorReason.Unavailable, "This store has no file store.");
        init => _files = value;
    }

    /// <inheritdoc />
    public Task<StoredFile?> GetFileAsync(string name, CancellationToken cancellationToken) => Files.GetFileAsync(name, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredFile>> ListFilesAsync(string? device, string? after, int limit, CancellationToken cancellationToken) => Files.ListFilesAsync(device, after, limit, cancellationToken);

    /// <inheritdoc />
    public Task<StoredFile?> FindFileForDeviceAsync(string fileType, string oui, string productClass, string modelName, CancellationToken cancellationToken) =>
        Files.FindFileForDeviceAsync(fileType, oui, productClass, modelName, cancellationToken);

    /// <inheritdoc />
    public Task<bool> PutFileAsync(StoredFile file, Stream content, CancellationToken cancellationToken) => Files.PutFileAsync(file, content, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteFileAsync(string name, CancellationToken cancellationToken) => Files.DeleteFileAsync(name, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetOperatorSignatureAsync(string name, string? signature, CancellationToken cancellationToken) => Files.SetOperatorSignatureAsync(name, signature, cancellationToken);

    /// <inheritdoc />
    public Task<Stream?> OpenContentAsync(string sha256, CancellationToken cancellationToken) => Files.OpenContentAsync(sha256, cancellationToken);

    /// <inheritdoc />
    public Task<DeviceTask?> QueueScheduledBackupAsync(Devices.DeviceId device, string preset, DateTimeOffset window, NewTask upload, CancellationToken cancellationToken) => Files.QueueScheduledBackupAsync(device, preset, window, upload, cancellationToken);

    /// <inheritdoc />
    public Task<DateTimeOffset?> ScheduledBackupWindowAsync(Devices.DeviceId device, string preset, CancellationToken cancellationToken) => Files.ScheduledBackupWindowAsync(device, preset, cancellationToken);
}
