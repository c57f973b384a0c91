using Palisade.Acs.Devices;
using Palisade.Acs.Files;
using Palisade.Acs.Services;
using Palisade.Acs.Storage;
using Palisade.Acs.Tasks;

namespace Palisade.Acs.Tests.Files;

/// <summary>
/// A restore resolved into the download of a backup: the caller's scope is asked before anything about another device
/// is read or told, and the backup is read once.
/// </summary>
public sealed class StoredDownloadsTests
{
    private const string Mine = "00D09E-HGW-MINE";
    private const string Theirs = "00D09E-HGW-THEIRS";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 23, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_backup_of_the_device_itself_is_read_once_and_needs_no_scope_question()
    {
        var store = new BackupStore(Backup("backup@mine@1", Mine));
        var asked = new List<string>();

        var download = await StoredDownloads.RestoreAsync(store, new RestoreTask("backup@mine@1", null), Mine, Scope(asked, allowed: false), CancellationToken.None);

        Assert.Equal(("backup@mine@1", 1234u, new string('a', 64)), (download.FileName, download.FileSize, download.Sha256));
        Assert.Equal(1, store.Reads);
        Assert.Empty(asked);
    }

    [Fact]
    public async Task Another_devices_backup_outside_the_scope_is_answered_as_a_name_never_stored()
    {
        var store = new BackupStore(Backup("backup@theirs@1", Theirs));
        var asked = new List<string>();

        var theirs = await Assert.ThrowsAsync<ServiceException>(() => StoredDownloads.RestoreAsync(store, new RestoreTask("backup@theirs@1", null), Mine, Scope(asked, allowed: false), CancellationToken.None));
        var none = await Assert.ThrowsAsync<ServiceException>(() => StoredDownloads.RestoreAsync(store, new RestoreTask("backup@none@1", null), Mine, Scope(asked, allowed: false), CancellationToken.None));

        Assert.Equal(none.Message.Replace("backup@none@1", "NAME", StringComparison.Ordinal), theirs.Message.Replace("backup@theirs@1", "NAME", StringComparison.Ordinal));
        Assert.Equal([Theirs], asked);
        var allowed = await StoredDownloads.RestoreAsync(store, new RestoreTask("backup@theirs@1", null), Mine, Scope(asked, allowed: true), CancellationToken.None);
        Assert.Equal("backup@theirs@1", allowed.FileName);
    }

    [Fact]
    public async Task A_restore_from_a_device_outside_the_scope_reads_nothing_and_is_answered_as_a_device_without_backups()
    {
        var store = new BackupStore(Backup("backup@theirs@1", Theirs));
        var asked = new List<string>();

        var refused = await Assert.ThrowsAsync<ServiceException>(() => StoredDownloads.RestoreAsync(store, new RestoreTask(null, Theirs), Mine, Scope(asked, allowed: false), CancellationToken.None));

        Assert.Equal(0, store.Reads);
        Assert.Equal([Theirs], asked);
        Assert.Contains("has no configuration backup", refused.Message, StringComparison.Ordinal);
        var allowed = await StoredDownloads.RestoreAsync(store, new RestoreTask(null, Theirs), Mine, Scope(asked, allowed: true), CancellationToken.None);
        Assert.Equal("backup@theirs@1", allowed.FileName);
        Assert.Equal(1, store.Reads);
    }

    private static Func<string, CancellationToken, Task<bool>> Scope(List<string> asked, bool allowed) => (device, _) =>
    {
        asked.Add(device);
        return Task.FromResult(allowed);
    };

    private static StoredFile Backup(string name, string device) =>
        new(name, FileTypes.VendorConfiguration, string.Empty, null, null, null, new string('a', 64), 1234, "{}", null, device, Now, "test");

    /// <summary>Backups in memory, counting every read.</summary>
    private sealed class BackupStore(params StoredFile[] files) : IFileStore
    {
        public int Reads { get; private set; }

        public Task<StoredFile?> GetFileAsync(string name, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult(files.FirstOrDefault(f => f.Name == name));
        }

        public Task<IReadOnlyList<StoredFile>> ListFilesAsync(string? device, string? after, int limit, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult<IReadOnlyList<StoredFile>>([.. files.Where(f => f.Device == device).Take(limit)]);
        }

        public Task<StoredFile?> FindFileForDeviceAsync(string fileType, string oui, string productClass, string modelName, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> PutFileAsync(StoredFile file, Stream content, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> DeleteFileAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> SetOperatorSignatureAsync(string name, string? signature, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Stream?> OpenContentAsync(string sha256, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<DeviceTask?> QueueScheduledBackupAsync(DeviceId device, string preset, DateTimeOffset window, NewTask upload, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<DateTimeOffset?> ScheduledBackupWindowAsync(DeviceId device, string preset, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
