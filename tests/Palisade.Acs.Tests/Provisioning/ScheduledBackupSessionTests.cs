using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Palisade.Acs.Devices;
using Palisade.Acs.Files;
using Palisade.Acs.Provisioning;
using Palisade.Acs.Storage;

namespace Palisade.Acs.Tests.Provisioning;

/// <summary>
/// Presets' scheduled backups on the session path: while a window stays open every session of a matched device comes by,
/// so a fleet whose backups are queued must not write (or log) once per session.
/// </summary>
public sealed class ScheduledBackupSessionTests
{
    // EngineHarness.Start is 08:00 UTC: this window is open from then for an hour, each day.
    private static readonly PresetSchedule Daily = PresetSchedule.Parse("3600 0 8 * * *");

    [Fact]
    public async Task A_device_whose_backup_of_the_window_is_queued_makes_no_further_store_write_in_that_window()
    {
        var source = new MemoryProvisioning();
        source.Backups.Add(("nightly", Daily));
        CountingFileStore? files = null;
        await using var harness = new ProvisioningHarness(source, backups: store => new ScheduledBackups(files = new CountingFileStore(store)));
        var cpe = harness.Cpe("bkp-1", "tr181");
        await cpe.SessionAsync("0 BOOTSTRAP", "1 BOOT");

        for (var i = 0; i < 4; i++)
        {
            await cpe.SessionAsync();
        }

        Assert.Equal(1, files!.MarkWrites);
        Assert.Single(await UploadsAsync(harness, cpe.Cpe.Id));

        // The next window queues the next backup, once.
        harness.Engine.Time.Advance(TimeSpan.FromDays(1));
        await cpe.SessionAsync();
        await cpe.SessionAsync();
        Assert.Equal(2, files.MarkWrites);
        Assert.Equal(2, (await UploadsAsync(harness, cpe.Cpe.Id)).Count);
    }

    [Fact]
    public async Task Without_a_file_server_the_skipped_backups_are_logged_once_per_preset_and_window_not_per_session()
    {
        var source = new MemoryProvisioning();
        source.Backups.Add(("nightly", Daily));
        var log = new CollectingLogger();
        await using var harness = new ProvisioningHarness(source, logger: log);
        var first = harness.Cpe("bkp-2", "tr181");
        var second = harness.Cpe("bkp-3", "tr098");
        foreach (var cpe in new[] { first, second })
        {
            await cpe.SessionAsync("0 BOOTSTRAP", "1 BOOT");
            await cpe.SessionAsync();
            await cpe.SessionAsync();
        }

        Assert.Single(log.Warnings);
        Assert.Contains("nightly", log.Warnings.Single(), StringComparison.Ordinal);

        harness.Engine.Time.Advance(TimeSpan.FromDays(1));
        await first.SessionAsync();
        await second.SessionAsync();
        Assert.Equal(2, log.Warnings.Count);
    }

    private static async Task<List<DeviceTask>> UploadsAsync(ProvisioningHarness harness, DeviceId id) =>
        [.. (await harness.Engine.Store.ListTasksAsync(id, 100, CancellationToken.None)).Where(t => t.Name == "upload")];

    /// <summary>The harness's file store, counting the scheduled-backup writes (each is a write transaction).</summary>
    private sealed class CountingFileStore(IFileStore inner) : IFileStore
    {
        private int _markWrites;

        public int MarkWrites => Volatile.Read(ref _markWrites);

        public Task<DeviceTask?> QueueScheduledBackupAsync(DeviceId device, string preset, DateTimeOffset window, NewTask upload, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _markWrites);
            return inner.QueueScheduledBackupAsync(device, preset, window, upload, cancellationToken);
        }

        public Task<DateTimeOffset?> ScheduledBackupWindowAsync(DeviceId device, string preset, CancellationToken cancellationToken) =>
            inner.ScheduledBackupWindowAsync(device, preset, cancellationToken);

        public Task<StoredFile?> GetFileAsync(string name, CancellationToken cancellationToken) => inner.GetFileAsync(name, cancellationToken);

        public Task<IReadOnlyList<StoredFile>> ListFilesAsync(string? device, string? after, int limit, CancellationToken cancellationToken) => inner.ListFilesAsync(device, after, limit, cancellationToken);

        public Task<StoredFile?> FindFileForDeviceAsync(string fileType, string oui, string productClass, string modelName, CancellationToken cancellationToken) =>
            inner.FindFileForDeviceAsync(fileType, oui, productClass, modelName, cancellationToken);

        public Task<bool> PutFileAsync(StoredFile file, Stream content, CancellationToken cancellationToken) => inner.PutFileAsync(file, content, cancellationToken);

        public Task<bool> DeleteFileAsync(string name, CancellationToken cancellationToken) => inner.DeleteFileAsync(name, cancellationToken);

        public Task<bool> SetOperatorSignatureAsync(string name, string? signature, CancellationToken cancellationToken) => inner.SetOperatorSignatureAsync(name, signature, cancellationToken);

        public Task<Stream?> OpenContentAsync(string sha256, CancellationToken cancellationToken) => inner.OpenContentAsync(sha256, cancellationToken);
    }

    /// <summary>The step's warnings, formatted.</summary>
    private sealed class CollectingLogger : ILogger
    {
        private readonly ConcurrentQueue<string> _warnings = new();

        public IReadOnlyCollection<string> Warnings => _warnings;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                _warnings.Enqueue(formatter(state, exception));
            }
        }
    }
}
